/**
 * What the Chromium tests of the admin app share. `browserSuite` starts, for the tests of one `describe`, a core
 * listening on a real port (on the test database of the pass, serving the built app), Chromium, and on request
 * a real SMTP server the core mails through; each test signs in its own user (created through the API, signed
 * in through the form) in its own browser context and seeds its own data. After each test its browser contexts
 * close and it fails on any console or page error it caused (except the failed requests it listed in
 * `expected`). Without Chromium or the build the suite is skipped, loudly; under CI that is an error.
 *
 * ```ts
 * browserSuite('phonebooks', { plugins: { yealink: yealinkPlugin } }, (app) => {
 *   test('create one', async () => {
 *     const { page } = await app.signIn();
 *     await page.goto(`${app.base}/phonebooks`);
 *     …
 *   });
 * });
 * ```
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { systemActor } from '@dialbook/core';
import { createTestCore, eventually, startSmtpCapture, testDatabaseKind, type TestCore, type TestCoreOptions, type TestSmtp } from '@dialbook/core/testing';

export const CHROMIUM = process.env.DIALBOOK_CHROMIUM ?? '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
export const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const CI = process.env.CI === 'true' || process.env.CI === '1';

export const LAPTOP = { width: 1280, height: 860 };
export const TABLET = { width: 820, height: 1180 };
export const PHONE = { width: 390, height: 844 };
type Viewport = typeof LAPTOP;

/** What is missing for the browser tests (empty: they can run). Throws under CI; warns loudly otherwise. */
export function browserTestsMissing(what: string): string[] {
  const missing = [!existsSync(CHROMIUM) && `Chromium at ${CHROMIUM} (apt-get install chromium)`, !existsSync(DIST) && `the built app at ${DIST} (npm run build)`].filter((m): m is string => !!m);
  if (missing.length && CI) throw new Error(`${what}: missing ${missing.join(' and ')}; CI requires it`);
  if (missing.length) console.warn(`\n!!! SKIPPED ${what}: missing ${missing.join(' and ')} !!!\n`);
  return missing;
}

export interface AppOptions extends Pick<TestCoreOptions, 'plugins' | 'config'> {
  /** Start a real SMTP server and point the core's mail settings at it (through the API): `smtp`, `linkFromMail`. */
  mail?: boolean;
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  email: string;
  password: string;
}

export interface RunningApp {
  core: TestCore;
  /** `http://127.0.0.1:<port>` */
  base: string;
  browser: Browser;
  /** With `mail`: the SMTP server the core mails through. */
  smtp: TestSmtp;
  /** Console and page errors of the current test (failed requests listed in `expected` excepted). */
  problems: string[];
  /** Failed requests the current test provokes on purpose, as `<status> <path>` (`422 /api/v1/sites`). */
  expected: Set<string>;
  /** A new browser context and page of this size, watched for errors, closed after the test. */
  newPage(viewport?: Viewport): Promise<{ context: BrowserContext; page: Page }>;
  /** A new user (administrator unless told), created and signed up through the API, signed in through the form. */
  signIn(options?: { role?: 'admin' | 'staff' | 'user'; siteIds?: string[]; viewport?: Viewport }): Promise<SignedIn>;
  /** The newest link to `path` (`/signup`, `/reset-password`) in a mail to `to`, after the first `after` mails, waiting for it. */
  linkFromMail(to: string, path: string, after?: number): Promise<string>;
  shot(page: Page, name: string): Promise<void>;
}

let users = 0;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

type Running = RunningApp & { closePages(): Promise<void> };

/**
 * A `describe` (named after `title` and the database of the pass) whose tests share one running app, made
 * in `beforeAll` and closed in `afterAll`. `app`'s fields are there once the tests run.
 */
export function browserSuite(title: string, options: AppOptions, body: (app: RunningApp) => void): void {
  const missing = browserTestsMissing(`the ${title} Chromium tests`);
  const app = {} as Running;
  let close = async () => undefined as unknown;
  describe.skipIf(missing.length > 0)(`${title} in Chromium (${testDatabaseKind()})`, () => {
    beforeAll(async () => {
      const started = await startApp(options);
      close = started.close;
      Object.assign(app, started.app);
    });
    afterEach(async () => {
      await app.closePages();
      const problems = app.problems.splice(0);
      app.expected.clear();
      expect(problems, 'console and page errors in the browser').toEqual([]);
    });
    afterAll(() => close());
    body(app);
  });
}

async function startApp(options: AppOptions): Promise<{ app: Running; close(): Promise<void> }> {
  mkdirSync(SHOTS, { recursive: true });
  const smtp = options.mail ? await startSmtpCapture() : (undefined as unknown as TestSmtp);
  // Links in mails and answers (sign-up, reset) name this server: publicUrl is the port it listens on.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const core = await createTestCore({ plugins: options.plugins, config: { ...options.config, server: { publicUrl: base, ...options.config?.server } }, listen: { port } });
  if (smtp) {
    const set = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, from: { address: 'dialbook@example.com' } } });
    if (set.status !== 200) throw new Error(`setting up mail: ${set.status} ${await set.text()}`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const problems: string[] = [];
  const expected = new Set<string>();
  let contexts: BrowserContext[] = [];

  const newPage: RunningApp['newPage'] = async (viewport = LAPTOP) => {
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

  const signIn: RunningApp['signIn'] = async ({ role = 'admin', siteIds = [], viewport } = {}) => {
    const email = `${role}${++users}@example.test`;
    const password = `${role}-password-123`;
    const { signupLink } = await core.dialbook.accounts.createUser({ email, firstName: 'Ada', lastName: role === 'admin' ? 'Admin' : 'Lovelace', role, siteIds }, systemActor);
    await core.dialbook.accounts.completeSignup(new URL(signupLink).searchParams.get('token')!, password);
    const { context, page } = await newPage(viewport);
    await page.goto(`${base}/contacts`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    return { context, page, email, password };
  };

  const linkFromMail: RunningApp['linkFromMail'] = (to, path, after = 0) =>
    eventually(
      `a mail to ${to} with a ${path} link`,
      async () => {
        await core.dialbook.mail.flush();
        return smtp
          .to(to)
          .slice(after)
          .map((m) => /https?:\/\/\S+/.exec(m.text)?.[0])
          .filter((l): l is string => !!l && new URL(l).pathname === path)
          .at(-1);
      },
      { interval: 100 },
    );

  const closePages = async () => {
    const open = contexts;
    contexts = [];
    for (const c of open) await c.close().catch(() => undefined);
  };

  return {
    app: { core, base, browser, smtp, problems, expected, newPage, signIn, linkFromMail, closePages, shot: (page, name) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true }).then(() => undefined) },
    close: async () => {
      await closePages();
      await browser.close();
      await core.close();
      await smtp?.stop();
    },
  };
}
