/**
 * A typed AXL client for the operations Dialbook needs: version, phones (by name or MAC, search
 * with auto-paging, phones of users), users' associated devices, and forced authorization codes.
 * Every failure is a CucmError (see `classify.ts`); throttling faults are retried with backoff,
 * "too large" pages are halved.
 *
 * @example
 * const axl = new AxlClient({ host: 'cucm-pub.example.net', username: 'dialbook-axl', password, tls: { ca } });
 * const { release, schemaVersion } = await axl.version();
 * const phone = await axl.getPhone('00:1a:2b:3c:4d:5e');
 * const pins = await axl.listFacInfo({ name: '%' });
 * axl.close();
 */
import { CucmError, isCucmError } from '../errors.js';
import { parseMac } from '../mac.js';
import { AxlConnection, type AxlConnectionOptions, type VersionInfo } from './connection.js';
import {
  FAC_TAGS,
  mapFacInfo,
  mapPhone,
  mapPhoneSummary,
  mapRows,
  mapUser,
  PHONE_SUMMARY_TAGS,
  PHONE_TAGS,
  phoneSearchCriteria,
  toArray,
  USER_TAGS,
} from './mapping.js';
import { ownedPhonesViaAxl } from './owners.js';
import { collect, DEFAULT_PAGE_SIZE, pages } from './pager.js';
import { ownedPhonesFromRows, ownedPhonesSql } from './sql.js';
import type { CucmUser, FacCriteria, FacInfo, ListRange, OwnedPhones, Phone, PhoneCriteria, PhoneSummary } from './types.js';

export interface AxlClientOptions extends AxlConnectionOptions {
  /** Allow read-only `executeSQLQuery` (off by default: SQL has no compatibility promise). */
  readOnlySql?: boolean;
  /** Parallel per-user / per-device calls of `phonesOwnedBy` without SQL (default 4). */
  concurrency?: number;
  /** Rows per `list*` request (default 500). */
  pageSize?: number;
  /** Users per `executeSQLQuery` in `phonesOwnedBy` (default 100). */
  sqlBatchSize?: number;
}

type Row = Record<string, unknown>;
const ret = (res: Row | null): Row => (res?.return ?? {}) as Row;

export class AxlClient {
  private readonly conn: AxlConnection;

  constructor(private readonly options: AxlClientOptions) {
    this.conn = new AxlConnection(options);
  }

  /** `host:port` of the publisher. */
  get endpoint(): string {
    return this.conn.endpoint;
  }

  /** getCCMVersion: the cluster's release and the schema version negotiated (599 → best offered). */
  version(): Promise<VersionInfo> {
    return this.conn.version();
  }

  /** One phone by device name (`SEP…`, `CSF…`) or by MAC in any written form. NOT_FOUND (5007) when absent. */
  async getPhone(nameOrMac: string): Promise<Phone> {
    const mac = parseMac(nameOrMac);
    const name = mac.ok ? `SEP${mac.hex}` : nameOrMac.trim();
    if (!name) throw new CucmError('DIALBOOK_CUCM_INVALID_MAC', 'Invalid MAC address: the MAC address or device name is empty.', { service: 'axl', operation: 'getPhone' });
    const res = await this.conn.call('getPhone', { name, returnedTags: PHONE_TAGS });
    return mapPhone(ret(res).phone as Row);
  }

  /** listPhone: every phone matching `criteria` (SQL-LIKE, `%`), paged with skip/first. */
  listPhone(criteria: PhoneCriteria, range: ListRange = {}): Promise<PhoneSummary[]> {
    return collect(this.listPhonePages(criteria, range));
  }

  /** listPhone page by page (one page in memory at a time). */
  listPhonePages(criteria: PhoneCriteria, range: ListRange = {}): AsyncGenerator<PhoneSummary[]> {
    const searchCriteria = phoneSearchCriteria(criteria);
    return this.paged('listPhone', range, async (skip, first) => {
      const res = await this.conn.call('listPhone', { searchCriteria, returnedTags: PHONE_SUMMARY_TAGS, skip, first });
      return toArray(ret(res).phone as Row | Row[]).map(mapPhoneSummary);
    });
  }

  /** getUser: the user with the devices associated to them (controlled devices). */
  async getUser(userid: string): Promise<CucmUser> {
    const res = await this.conn.call('getUser', { userid, returnedTags: USER_TAGS });
    return mapUser(ret(res).user as Row);
  }

  /**
   * The phones of each user — owned (Owner User ID) and associated — with model and lines.
   * With `readOnlySql`: one executeSQLQuery per `sqlBatchSize` users (split in two when CUCM
   * says the answer is too large). Without: one listPhone
   * scan, then getUser and getPhone per user and device under the concurrency limit.
   */
  async phonesOwnedBy(userIds: readonly string[], options: { lines?: boolean } = {}): Promise<OwnedPhones> {
    const ids = [...new Set(userIds.filter((u) => u && u.trim()))];
    if (!ids.length) return { byUser: new Map(), unknownUsers: [] };
    if (this.options.readOnlySql) {
      const out: OwnedPhones = { byUser: new Map(), unknownUsers: [] };
      const size = Math.max(1, this.options.sqlBatchSize ?? 100);
      for (let i = 0; i < ids.length; i += size) await this.ownedViaSql(ids.slice(i, i + size), out);
      return out;
    }
    return ownedPhonesViaAxl(
      ids,
      {
        scan: () => this.listPhone({ name: '%' }),
        getUser: (u) => this.getUser(u),
        getPhone: (n) => this.getPhone(n),
      },
      { concurrency: this.options.concurrency ?? 4, ...(options.lines === undefined ? {} : { lines: options.lines }) },
    );
  }

  /** listFacInfo: forced authorization codes by name/code/level (SQL-LIKE). The codes are PINs: secrets. */
  listFacInfo(criteria: FacCriteria, range: ListRange = {}): Promise<FacInfo[]> {
    const searchCriteria: Record<string, string> = {};
    for (const k of ['name', 'code', 'authorizationLevel'] as const) if (criteria[k]) searchCriteria[k] = criteria[k];
    if (!Object.keys(searchCriteria).length) searchCriteria.name = '%';
    return collect(
      this.paged('listFacInfo', range, async (skip, first) => {
        const res = await this.conn.call('listFacInfo', { searchCriteria, returnedTags: FAC_TAGS, skip, first });
        return toArray(ret(res).facInfo as Row | Row[]).map(mapFacInfo);
      }),
    );
  }

  /** getFacInfo by the FAC's name. NOT_FOUND (5007) when there is none. */
  async getFacInfo(name: string): Promise<FacInfo> {
    const res = await this.conn.call('getFacInfo', { name, returnedTags: FAC_TAGS });
    return mapFacInfo(ret(res).facInfo as Row);
  }

  /** executeSQLQuery, read-only: only when `readOnlySql` is on, only SELECT. Rows: lowercase column → text. */
  async executeSQLQuery(sql: string): Promise<Record<string, string | null>[]> {
    if (!this.options.readOnlySql) {
      throw new CucmError('DIALBOOK_CUCM_PERMISSION', 'Read-only SQL (executeSQLQuery) is turned off for this cluster; turn on the read-only SQL setting to use it.', { service: 'axl', operation: 'executeSQLQuery' });
    }
    if (!/^\s*select\b/i.test(sql)) throw new CucmError('DIALBOOK_CUCM_PERMISSION', 'Only SELECT statements may be sent with executeSQLQuery.', { service: 'axl', operation: 'executeSQLQuery' });
    const res = await this.conn.call('executeSQLQuery', { sql });
    return mapRows(ret(res));
  }

  /** One executeSQLQuery for `batch`; an answer CUCM finds too large splits the batch in two. */
  private async ownedViaSql(batch: string[], out: OwnedPhones): Promise<void> {
    let part: OwnedPhones;
    try {
      part = ownedPhonesFromRows(batch, await this.executeSQLQuery(ownedPhonesSql(batch)));
    } catch (err) {
      if (!isCucmError(err) || err.code !== 'DIALBOOK_CUCM_TOO_LARGE' || batch.length < 2) throw err;
      const half = Math.ceil(batch.length / 2);
      this.conn.emit({ type: 'page-shrunk', operation: 'executeSQLQuery', from: batch.length, to: half });
      await this.ownedViaSql(batch.slice(0, half), out);
      await this.ownedViaSql(batch.slice(half), out);
      return;
    }
    for (const [k, v] of part.byUser) out.byUser.set(k, v);
    out.unknownUsers.push(...part.unknownUsers);
  }

  /** Close kept-alive connections. */
  close(): void {
    this.conn.close();
  }

  private paged<T>(operation: string, range: ListRange, fetch: (skip: number, first: number) => Promise<T[]>): AsyncGenerator<T[]> {
    return pages(fetch, { pageSize: this.options.pageSize ?? DEFAULT_PAGE_SIZE, ...range }, { onShrink: (from, to) => this.conn.emit({ type: 'page-shrunk', operation, from, to }) });
  }
}
