/**
 * What the admin app's Placetel page shows per site: the webhook URL to paste into Placetel,
 * whether deliveries are signed (a warning when unsigned delivery is allowed), the API key and
 * call control — never a secret, only whether one is set.
 */
import type { PlacetelRuntime } from './runtime.js';
import type { PlacetelSettings } from './settings.js';

type Tone = 'good' | 'warn' | 'bad' | 'neutral';
const badge = (label: string, tone: Tone) => ({ label, tone });

export interface SiteRow {
  siteId: string;
  site: string;
  webhookUrl: string;
  signing: { label: string; tone: Tone };
  restApi: { label: string; tone: Tone };
  callControl: { label: string; tone: Tone };
  numbers: string[];
  warning: string | null;
}

export function signingBadge(s: PlacetelSettings): { label: string; tone: Tone } {
  if (s.secret) return badge('signed (secret set)', 'good');
  if (s.allowUnsigned) return badge('UNSIGNED accepted', 'bad');
  return badge('refused: no secret', 'warn');
}

export const unsignedWarning = (s: PlacetelSettings): string | null =>
  !s.secret && s.allowUnsigned ? 'Unsigned delivery is on: anyone who knows this URL can write calls. Set a shared secret here and in Placetel, then turn allowUnsigned off.' : null;

export async function siteRows(rt: PlacetelRuntime, base: string): Promise<{ items: SiteRow[]; message?: string }> {
  const items: SiteRow[] = [];
  for (const site of await rt.ctx.sites.list()) {
    const settings = await rt.settingsFor(site.id).catch(() => null);
    if (!settings) continue;
    const token = await rt.tokens.tokenFor(site.id);
    const cc = settings.callControl;
    items.push({
      siteId: site.id,
      site: site.name,
      webhookUrl: `${base.replace(/\/+$/, '')}/api/v1/plugins/${rt.ctx.id}/webhook/${token}`,
      signing: signingBadge(settings),
      restApi: settings.apiKey ? badge('API key set', 'good') : badge('no API key: no back-fill', 'neutral'),
      callControl: cc.enabled ? badge(cc.action === 'reject' ? 'on: reject' : `on: forward to ${cc.targets.length} group(s)`, 'warn') : badge('off', 'neutral'),
      numbers: settings.numbers,
      warning: unsignedWarning(settings),
    });
  }
  const unsigned = items.filter((i) => i.warning).map((i) => `"${i.site}"`);
  return { items, ...(unsigned.length ? { message: `Warning: site(s) ${unsigned.join(', ')} accept unsigned webhooks — anyone who knows the URL can write calls.` } : {}) };
}
