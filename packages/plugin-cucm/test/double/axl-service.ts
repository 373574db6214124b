/**
 * The AXL operations of the CUCM double, as node-soap service handlers for Cisco's AXL 14.0 WSDL.
 * Answers follow CUCM: only the `returnedTags` asked for, elements in the 14.0 schema's order,
 * `uuid` attributes in braces, foreign keys as `{attributes:{uuid}, $value}` (v14 nil foreign keys
 * as `uuid=""`), faults with `detail/axlError` and HTTP 500.
 */
import type { CucmData, DoublePhone, DoubleUser } from './cucm-data.js';
import { like } from './cucm-data.js';
import { axlFault, memoryFault, tooLargeFault, type FaultRule } from './faults.js';

/** What the HTTP gate attached to the request. */
export interface GateInfo {
  fault: FaultRule | null;
}

export interface AxlServiceOptions {
  data: CucmData;
  release: () => string;
  /** An answer with this many rows or more fails with "Query request too large" (the 8 MB limit). */
  rowLimit: () => number;
  /** Called by a `hang` fault; resolves when the double closes. */
  hang: () => Promise<never>;
}

type Args = Record<string, unknown>;
type Handler = (args: Args) => unknown;

const fk = (name: string | null | undefined, uuid = '') => (name ? { attributes: { uuid }, $value: name } : { attributes: { uuid: '' } });

/** Keep the keys of `all` (already in schema order) that `returnedTags` names; all when absent. */
function pick(all: Record<string, unknown>, returnedTags: unknown): Record<string, unknown> {
  if (!returnedTags || typeof returnedTags !== 'object') return all;
  const wanted = new Set(Object.keys(returnedTags as object));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (k === 'attributes' || wanted.has(k)) out[k] = v;
  return out;
}

function phoneFields(p: DoublePhone, withLines: boolean): Record<string, unknown> {
  return {
    attributes: { ctiid: '7', uuid: p.uuid },
    name: p.name,
    description: p.description,
    product: p.product,
    model: p.model,
    class: 'Phone',
    protocol: p.protocol,
    protocolSide: 'User',
    callingSearchSpaceName: fk(p.callingSearchSpace, '{0D0F3E6B-1C2D-4E5F-8A9B-000000000001}'),
    devicePoolName: fk(p.devicePool, '{1B1CAD74-1C2D-4E5F-8A9B-000000000002}'),
    locationName: fk(p.location, '{29C5C1C4-1C2D-4E5F-8A9B-000000000003}'),
    ...(withLines
      ? {
          lines: {
            line: p.lines.map((l) => ({
              attributes: { uuid: `{${p.uuid.slice(1, 30)}${String(l.index).padStart(7, '0')}}` },
              index: String(l.index),
              label: l.label ?? '',
              display: l.display ?? l.label ?? '',
              dirn: { attributes: { uuid: '{5C2E1A77-1C2D-4E5F-8A9B-0000000000D1}' }, pattern: l.dn, routePartitionName: fk(l.partition ?? null, '{7A9E3B10-1C2D-4E5F-8A9B-0000000000A1}') },
              ringSetting: 'Use System Default',
              consecutiveRingSetting: 'Use System Default',
              displayAscii: l.display ?? l.label ?? '',
              e164Mask: '',
              maxNumCalls: '4',
              busyTrigger: '2',
            })),
          },
        }
      : {}),
    securityProfileName: fk('Cisco 8841 - Standard SIP Non-Secure Profile', '{3F3B5E1E-1C2D-4E5F-8A9B-000000000004}'),
    loginUserId: '',
    currentProfileName: fk(null),
    ownerUserName: fk(p.owner, '{8C2A4D11-1C2D-4E5F-8A9B-000000000005}'),
    isActive: 'true',
  };
}

function userFields(u: DoubleUser): Record<string, unknown> {
  return {
    attributes: { uuid: u.uuid },
    firstName: u.firstName,
    displayName: `${u.firstName} ${u.lastName}`.trim(),
    middleName: '',
    lastName: u.lastName,
    userid: u.userid,
    mailid: u.mail ?? '',
    department: u.department ?? '',
    manager: '',
    associatedDevices: u.associatedDevices.length ? { device: u.associatedDevices } : '',
    primaryExtension: '',
    enableCti: 'true',
    status: '1',
    telephoneNumber: u.telephoneNumber ?? '',
  };
}

const count = (v: unknown): number | null => (v === undefined || v === null || v === '' ? null : Number(v));

/** skip/first over `rows`, failing like CUCM when the answer would be too large. */
function window<T>(rows: T[], args: Args, limit: number, request: string): T[] {
  const first = count(args.first);
  const skip = first === null ? 0 : (count(args.skip) ?? 0);
  const page = rows.slice(skip, first === null ? undefined : skip + first);
  if (page.length >= limit) throw tooLargeFault(request, rows.length, limit);
  return page;
}

const criteria = (args: Args): Record<string, string> => {
  const c = (args.searchCriteria ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) if (typeof v === 'string') out[k] = v;
  return out;
};

function ownedRows(data: CucmData, ids: string[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  const phoneRows = (p: DoublePhone, userid: string, link: string) => {
    const lines = p.lines.length ? p.lines : [null];
    for (const l of lines) {
      rows.push({ device: p.name, description: p.description, model: p.model, userid, link, dn: l?.dn ?? '', lineindex: l ? String(l.index) : '', partition: l?.partition ?? '' });
    }
  };
  for (const id of ids) {
    const user = data.user(id);
    if (!user) continue;
    for (const p of data.phones.values()) if (p.owner?.toLowerCase() === id) phoneRows(p, user.userid, 'owner');
    for (const d of user.associatedDevices) {
      const p = data.phone(d);
      if (p) phoneRows(p, user.userid, 'associated');
    }
    rows.push({ device: '', description: '', model: '', userid: user.userid, link: 'user', dn: '', lineindex: '0', partition: '' });
  }
  return rows;
}

/** The handlers, each wrapped to apply the fault the gate picked for its request. */
export function axlService(o: AxlServiceOptions): Record<string, unknown> {
  const { data } = o;
  const handlers: Record<string, Handler> = {
    getCCMVersion: () => ({ return: { componentVersion: { version: o.release() } } }),

    listPhone: (args) => {
      const c = criteria(args);
      const fields: [string, (p: DoublePhone) => string | null][] = [
        ['name', (p) => p.name],
        ['description', (p) => p.description],
        ['protocol', (p) => p.protocol],
        ['callingSearchSpaceName', (p) => p.callingSearchSpace],
        ['devicePoolName', (p) => p.devicePool],
        ['securityProfileName', () => 'Cisco 8841 - Standard SIP Non-Secure Profile'],
      ];
      const all = [...data.phones.values()].filter((p) => fields.every(([k, get]) => c[k] === undefined || like(c[k]!, get(p)))).sort((a, b) => a.name.localeCompare(b.name));
      const page = window(all, args, o.rowLimit(), 'listPhone');
      return { return: page.length ? { phone: page.map((p) => pick(phoneFields(p, false), args.returnedTags)) } : '' };
    },

    getPhone: (args) => {
      const p = typeof args.name === 'string' ? data.phone(args.name) : [...data.phones.values()].find((x) => x.uuid.toLowerCase() === String(args.uuid).toLowerCase());
      if (!p) throw axlFault('getPhone', 5007, `Item not valid: The specified ${String(args.name ?? args.uuid)} was not found`);
      return { return: { phone: pick(phoneFields(p, true), args.returnedTags) } };
    },

    getUser: (args) => {
      const u = typeof args.userid === 'string' ? data.user(args.userid) : undefined;
      if (!u) throw axlFault('getUser', 5007, 'Item not valid: The specified User was not found');
      return { return: { user: pick(userFields(u), args.returnedTags) } };
    },

    listFacInfo: (args) => {
      const c = criteria(args);
      const all = [...data.facs.values()]
        .filter((f) => (c.name === undefined || like(c.name, f.name)) && (c.code === undefined || like(c.code, f.code)) && (c.authorizationLevel === undefined || like(c.authorizationLevel, String(f.authorizationLevel))))
        .sort((a, b) => a.name.localeCompare(b.name));
      const page = window(all, args, o.rowLimit(), 'listFacInfo');
      const facInfo = page.map((f) => pick({ attributes: { uuid: f.uuid }, name: f.name, code: f.code, authorizationLevel: String(f.authorizationLevel) }, args.returnedTags));
      return { return: facInfo.length ? { facInfo } : '' };
    },

    getFacInfo: (args) => {
      const f = typeof args.name === 'string' ? data.fac(args.name) : undefined;
      if (!f) throw axlFault('getFacInfo', 5007, `Item not valid: The specified Fac Info ${String(args.name ?? args.uuid)} was not found`);
      return { return: { facInfo: pick({ attributes: { uuid: f.uuid }, name: f.name, code: f.code, authorizationLevel: String(f.authorizationLevel) }, args.returnedTags) } };
    },

    // The double understands the one query shape the client sends (src/axl/sql.ts); other SQL is a syntax error.
    executeSQLQuery: (args) => {
      const sql = String(args.sql ?? '');
      const list = /LOWER\(eu\.userid\) IN \(([^)]*)\)/i.exec(sql);
      const shaped = /FROM device d JOIN enduser eu ON d\.fkenduser = eu\.pkid/i.test(sql) && /FROM enduserdevicemap m/i.test(sql) && /'user' AS link/i.test(sql);
      if (!list || !shaped) throw axlFault('executeSQLQuery', -201, 'A syntax error has occurred.');
      const ids = [...list[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'").toLowerCase());
      const rows = ownedRows(data, ids);
      if (rows.length >= o.rowLimit()) throw tooLargeFault('executeSQLQuery', rows.length, o.rowLimit());
      return { return: rows.length ? { row: rows } : '' };
    },
  };

  const port: Record<string, unknown> = {};
  for (const [op, fn] of Object.entries(handlers)) {
    port[op] = async (args: Args, _cb: unknown, _headers: unknown, req: { double?: GateInfo }) => {
      const fault = req?.double?.fault;
      if (fault?.kind === 'hang') return o.hang();
      if (fault?.kind === 'memory') throw memoryFault(op);
      if (fault?.kind === 'too-large') throw tooLargeFault(op, 2816, fault.rows ?? 844);
      if (fault?.kind === 'not-found') throw axlFault(op, 5007, `Item not valid: The specified ${String(args.name ?? args.userid ?? 'item')} was not found`);
      return fn(args ?? {});
    };
  }
  return { AXLAPIService: { AXLPort: port } };
}
