/**
 * A small plugin of the kind plugin-cucm is, for the Chromium tests of what the admin app draws from a
 * plugin's metadata alone (`plugin-views.e2e.test.ts`, and the 390 px page list of `narrow.e2e.test.ts`):
 * a secret attribute `desk.pin`, a CSV import `tools.desk-phones` (`email, mac, pin`), an enricher that
 * reports every contact it is asked about as pending, and two views served by its own documented routes:
 * a global "Phone lookup" by MAC and a contact panel "Desk phones" for contacts with `desk.mac`.
 * Mount it as instance `tools`.
 */
import { createRoute, createRouter, definePlugin, DialbookError, errors, json, z } from '@dialbook/core';

/** `00:1a:2b…`, `001a.2b…`, `SEP001A2B…` → `001A2B3C4D5E`; throws a readable error for anything else. */
export function parseMac(raw: string): string {
  const hex = raw.trim().replace(/^SEP/i, '').replace(/[:.\-\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{12}$/.test(hex)) throw new Error(`"${raw}" is not a MAC address (12 hex digits)`);
  return hex;
}

/** The desk phones the plugin's "phone system" knows, by MAC. */
export const DESK_PHONES: Record<string, { model: string; status: { label: string; tone: 'good' | 'warn' | 'bad' | 'neutral' }; lines: string[]; lastSeen: string }> = {
  '001A2B3C4D5E': { model: 'CP-8845', status: { label: 'registered', tone: 'good' }, lines: ['2001 · Internal', '2002 · Sales'], lastSeen: '2025-03-04T09:30:00.000Z' },
  '00112233AABB': { model: 'CP-7841', status: { label: 'unregistered', tone: 'bad' }, lines: ['2010 · Internal'], lastSeen: '2025-02-01T17:00:00.000Z' },
};

const Phone = z.object({ name: z.string(), model: z.string(), status: z.object({ label: z.string(), tone: z.enum(['good', 'warn', 'bad', 'neutral']) }), lines: z.array(z.string()), lastSeen: z.string() });
const Phones = z.object({ items: z.array(Phone) });
const phone = (mac: string) => ({ name: `SEP${mac}`, ...DESK_PHONES[mac]! });

export const toolsPlugin = definePlugin({
  name: 'desk-tools',
  setup(ctx) {
    ctx.contacts.registerSecretAttribute({ key: 'desk.pin', label: 'Desk PIN' });
    ctx.contacts.registerAttributeImport({
      id: 'tools.desk-phones',
      label: 'Desk phones and PINs',
      description: 'One row per person: their e-mail address, the MAC of their desk phone and their PIN.',
      match: { column: 'email', by: 'email' },
      columns: [
        { name: 'mac', label: 'MAC address', target: 'desk.mac', parse: parseMac },
        {
          name: 'pin',
          label: 'PIN',
          target: 'desk.pin',
          secret: true,
          parse: (raw) => {
            if (!/^\d{4,8}$/.test(raw)) throw new Error('a PIN is 4 to 8 digits');
            return raw;
          },
        },
      ],
    });
    ctx.contacts.registerEnricher({
      id: 'desk',
      label: 'Desk system: phones',
      enrich: async ({ contacts }) => contacts.map((c) => ({ contactId: c.id, pending: 'the desk system did not answer' })),
    });

    const api = createRouter();
    api.openapi(
      createRoute({ method: 'get', path: '/phones/lookup', summary: 'A desk phone by MAC address', request: { query: z.object({ mac: z.string().min(1), model: z.string().optional() }) }, responses: { 200: json(Phones, 'The phone'), 404: errors[404], 422: errors[422] } }),
      (c) => {
        const { mac: raw, model } = c.req.valid('query');
        let mac: string;
        try {
          mac = parseMac(raw);
        } catch (err) {
          throw new DialbookError('DIALBOOK_VALIDATION', (err as Error).message, { status: 422, field: 'mac' });
        }
        if (!DESK_PHONES[mac] || (model && DESK_PHONES[mac]?.model !== model)) throw new DialbookError('DIALBOOK_DESK_PHONE_NOT_FOUND', `no desk phone has the MAC address ${mac}`, { status: 404, field: 'mac' });
        return c.json({ items: [phone(mac)] }, 200);
      },
    );
    api.openapi(
      createRoute({ method: 'get', path: '/phones/of-contact', summary: "A contact's desk phones", request: { query: z.object({ contactId: z.uuid() }) }, responses: { 200: json(Phones, 'The phones'), 404: errors[404] } }),
      async (c) => {
        const contact = await ctx.contacts.get(c.req.valid('query').contactId);
        const mac = contact.attributes.desk?.mac;
        return c.json({ items: typeof mac === 'string' && DESK_PHONES[mac] ? [phone(mac)] : [] }, 200);
      },
    );
    ctx.http.route('/', api, { access: 'staff' });

    const columns = [
      { key: 'name', label: 'Device', kind: 'code' as const },
      { key: 'model', label: 'Model' },
      { key: 'status', label: 'Registration', kind: 'badge' as const },
      { key: 'lines', label: 'Lines', kind: 'list' as const },
      { key: 'lastSeen', label: 'Last seen', kind: 'datetime' as const },
    ];
    ctx.views.register({
      id: 'phone-lookup',
      label: 'Phone lookup',
      description: 'Find a desk phone by its MAC address, in any written form.',
      scope: 'global',
      path: '/phones/lookup',
      params: [
        { name: 'mac', label: 'MAC address', placeholder: '00:1A:2B:3C:4D:5E', required: true },
        { name: 'model', label: 'Model', placeholder: 'CP-8845' },
      ],
      columns,
    });
    ctx.views.register({ id: 'contact-phones', label: 'Desk phones', description: 'Live from the desk system.', scope: 'contact', path: '/phones/of-contact', columns, when: { hasAttribute: ['desk.mac'] } });
  },
});
