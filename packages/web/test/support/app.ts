/**
 * What the Chromium tests of the admin app share: whether they can run (Chromium and the built app present;
 * under CI both are required), a core listening on a real port on the test database of the pass, Chromium
 * with a page that records console and page errors, screenshots, and signing in an administrator through
 * the sign-in form.
 *
 * ```ts
 * const app = await startApp({ plugins: { yealink: yealinkPlugin } });
 * const { page } = await app.signInAdmin();
 * …
 * await app.close();
 * ```
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestCore, type TestCore, type TestCoreOptions } from '@dialbook/core/testing';

export const CHROMIUM = process.env.DIALBOOK_CHROMIUM ?? '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
export const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const CI = process.env.CI === 'true' || process.env.CI === '1';

/** What is missing for the browser tests (empty: they can run). Throws under CI; warns loudly otherwise. */
export function browserTestsMissing(what: string): string[] {
  const missing = [!existsSync(CHROMIUM) && `Chromium at ${CHROMIUM} (apt-get install chromium)`, !existsSync(DIST) && `the built app at ${DIST} (npm run build)`].filter((m): m is string => !!m);
  if (missing.length && CI) throw new Error(`${what}: missing ${missing.join(' and ')}; CI requires it`);
  if (missing.length) console.warn(`\n!!! SKIPPED ${what}: missing ${missing.join(' and ')} !!!\n`);
  return missing;
}

export interface RunningApp {
  core: TestCore;
  /** `http://127.0.0.1:<port>` */
  base: string;
  browser: Browser;
  /** Console and page errors seen so far (failed requests listed in `expected` excepted). */
  problems: string[];
  /** Failed requests a step provokes on purpose, as `<status> <path>` (`422 /api/v1/sites`). */
  expected: Set<string>;
  /** A new browser context and page of this size, watched for errors. */
  newPage(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** An administrator (created and signed up through the API), signed in through the sign-in form. */
  signInAdmin(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; email: string }>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

let admins = 0;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function startApp(options: Pick<TestCoreOptions, 'plugins' | 'config'> = {}): Promise<RunningApp> {
  mkdirSync(SHOTS, { recursive: true });
  // Links in mails and answers (sign-up, reset) name this server: publicUrl is the port it listens on.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const core = await createTestCore({ ...options, config: { ...options.config, server: { publicUrl: base, ...options.config?.server } }, listen: { port } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const problems: string[] = [];
  const expected = new Set<string>();
  const contexts: BrowserContext[] = [];

  const newPage: RunningApp['newPage'] = async (viewport = { width: 1280, height: 860 }) => {
    const context = await browser.newContext({ viewport, locale: 'en-GB' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const failed = /status of (\d{3})/.exec(msg.text())?.[1];
      const where = msg.location().url ? new URL(msg.location().url).pathname : '';
      if (failed && expected.has(`${failed} ${where}`)) return;
      problems.push(`console error: ${msg.text()} ${msg.location().url ?? ''}`);
    });
    return { context, page };
  };

  const signInAdmin: RunningApp['signInAdmin'] = async (viewport) => {
    const email = `admin${++admins}@example.test`;
    const password = 'admin-password-123';
    const { user, signupLink } = await core.dialbook.accounts.createUser({ email, firstName: 'Ada', lastName: 'Admin', role: 'admin' }, { type: 'system', id: 'system' });
    await core.dialbook.accounts.completeSignup(new URL(signupLink).searchParams.get('token')!, password);
    void user;
    const { context, page } = await newPage(viewport);
    await page.goto(`${base}/contacts`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    return { context, page, email };
  };

  return {
    core,
    base,
    browser,
    problems,
    expected,
    newPage,
    signInAdmin,
    shot: async (page, name) => {
      await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await core.close();
    },
  };
}
