// The test directory itself (src/slapd.ts, fixtures.ts): a real slapd with AD-like size
// limits, operational attributes, restarts and UTF-8 data, so the plugin's tests can rely on it.
import { AdminLimitExceededError, Client, InvalidCredentialsError, SizeLimitExceededError, type Entry } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  USN_BASE,
  attr,
  changePhoneLdif,
  defaultPeople,
  generatePeople,
  joinLdif,
  maxUsn,
  renameLdif,
  replaceLdif,
  toLdif,
} from '../src/fixtures.js';
import { escapeDnValue, parseLdif, splitDn } from '../src/ldif.js';
import { describeWithSlapd, startSlapd, type Slapd } from '../src/slapd.js';

const dnCount = (ldif: string) => ldif.split('\n').filter((l) => /^dn::? /.test(l)).length;
const one = (e: Entry, name: string) => {
  const v = e[name];
  return Array.isArray(v) ? v[0] : v;
};

describe('fixtures', () => {
  it('are deterministic per seed', () => {
    expect(toLdif(generatePeople(300, { seed: 7 }))).toBe(toLdif(generatePeople(300, { seed: 7 })));
    expect(toLdif(generatePeople(300, { seed: 7 }))).not.toBe(toLdif(generatePeople(300, { seed: 8 })));
    expect(toLdif(generatePeople(300, { seed: 7, ad: true }))).toBe(toLdif(generatePeople(300, { seed: 7, ad: true })));
  });

  it('write UTF-8 and unsafe values base64-encoded (RFC 2849) and read back the same', () => {
    const people = generatePeople(500, { seed: 3 });
    const text = toLdif(people);
    for (const line of text.split('\n')) expect(line).toMatch(/^[\x20-\x7e]*$/); // pure ASCII on the wire
    expect(text).toContain(`cn:: ${Buffer.from("O'Brien, Seán").toString('base64')}`);
    expect(text).toContain('cn: Back\\Slash');
    const back = parseLdif(text);
    expect(back).toHaveLength(500);
    back.forEach((e, i) => {
      expect(e.dn).toBe(people[i]!.dn);
      expect(e.attributes.cn).toEqual([attr(people[i]!, 'cn')]);
    });
  });

  it('cover the cases the plugin must handle', () => {
    const people = defaultPeople();
    expect(people).toHaveLength(2600);
    const has = (pred: (cn: string) => boolean) => people.some((p) => pred(attr(p, 'cn') ?? ''));
    expect(has((cn) => /[äöüß]/.test(cn))).toBe(true);
    for (const c of ["'", '(', ')', '*', '\\', ',', '+']) expect(has((cn) => cn.includes(c))).toBe(true);
    const phones = people.flatMap((p) => [p.attributes.telephoneNumber ?? []].flat() as string[]);
    expect(phones.some((n) => n.startsWith('030 '))).toBe(true);
    expect(phones.some((n) => n.startsWith('+49 '))).toBe(true);
    expect(new Set(phones).size).toBe(phones.length); // every number unique
    expect(people.some((p) => !p.attributes.telephoneNumber)).toBe(true);
    expect(people.some((p) => !p.attributes.mail)).toBe(true);
    expect(people.some((p) => Array.isArray(p.attributes.mail) && p.attributes.mail.length === 2)).toBe(true);
    expect(people.some((p) => Array.isArray(p.attributes.telephoneNumber) && p.attributes.telephoneNumber.length === 2)).toBe(true);
    expect(people.some((p) => p.dn.includes(',ou=external,'))).toBe(true);
    const ad = generatePeople(100, { seed: 1, ad: true });
    expect(ad.every((p) => (p.attributes.objectGUID as Uint8Array).length === 16)).toBe(true);
    expect(maxUsn(ad)).toBe(USN_BASE + 99);
    expect(ad[0]!.dn).toBe(`cn=${escapeDnValue("O'Brien, Seán")},ou=people,dc=example,dc=org`);
    expect(splitDn(ad[0]!.dn)).toHaveLength(4);
  });
});

describeWithSlapd('slapd test harness', () => {
  const people = defaultPeople();
  let ldap: Slapd;
  let client: Client;

  beforeAll(async () => {
    ldap = await startSlapd({ entries: people, sizeLimit: 1000 });
    console.log(`slapd: ${ldap.timings.loadedEntries} entries loaded by slapadd in ${ldap.timings.slapaddMs.toFixed(0)} ms, started in ${ldap.timings.startMs.toFixed(0)} ms at ${ldap.url}`);
  });
  afterAll(async () => {
    await client?.unbind().catch(() => {});
    await ldap?.stop();
  });

  const connect = async () => {
    const c = new Client({ url: ldap.url, timeout: 10_000, connectTimeout: 5_000 });
    await c.bind(ldap.bindDN, ldap.bindPassword);
    return c;
  };

  it('a plain search stops at the size limit: sizeLimitExceeded (exit 4) after 1,000 entries', async () => {
    const r = await ldap.ldapsearch(['-LLL', '-b', ldap.baseDN, '(objectClass=inetOrgPerson)', 'dn'], { as: 'reader' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/Size limit exceeded/);
    expect(dnCount(r.stdout)).toBe(1000);
    // A client asking for more than the hard limit gets the hard limit.
    const more = await ldap.ldapsearch(['-LLL', '-z', '5000', '-b', ldap.baseDN, '(objectClass=inetOrgPerson)', 'dn'], { as: 'reader' });
    expect([more.code, dnCount(more.stdout)]).toEqual([4, 1000]);

    client = await connect();
    await expect(client.search(ldap.baseDN, { filter: '(objectClass=inetOrgPerson)', attributes: ['dn'] })).rejects.toBeInstanceOf(SizeLimitExceededError);
  });

  it('a paged search returns every entry', async () => {
    const r = await ldap.ldapsearch(['-LLL', '-E', 'pr=500/noprompt', '-b', ldap.baseDN, '(objectClass=inetOrgPerson)', 'dn'], { as: 'reader' });
    expect(r.code).toBe(0);
    expect(dnCount(r.stdout)).toBe(2600);

    let pages = 0;
    let entries = 0;
    for await (const page of client.searchPaginated(ldap.baseDN, { filter: '(objectClass=inetOrgPerson)', attributes: ['uid'], paged: { pageSize: 1000 } })) {
      pages++;
      entries += page.searchEntries.length;
    }
    expect([pages, entries]).toEqual([3, 2600]);
  });

  it('refuses pages larger than the limit (adminLimitExceeded, where AD would shrink the page)', async () => {
    const r = await ldap.ldapsearch(['-LLL', '-E', 'pr=1001/noprompt', '-b', ldap.baseDN, '(objectClass=inetOrgPerson)', 'dn'], { as: 'reader' });
    expect(r.code).toBe(11);
    await expect(client.search(ldap.baseDN, { filter: '(objectClass=inetOrgPerson)', paged: { pageSize: 1001 } })).rejects.toBeInstanceOf(AdminLimitExceededError);
  });

  it('the rootdn is not limited; anonymous clients read nothing', async () => {
    expect(dnCount(await ldap.search('(objectClass=inetOrgPerson)', ['dn']))).toBe(2600);
    const anon = await ldap.ldapsearch(['-LLL', '-b', ldap.baseDN, '(objectClass=inetOrgPerson)', 'dn'], { as: 'anonymous' });
    expect(dnCount(anon.stdout)).toBe(0);
    const wrong = await ldap.ldapsearch(['-LLL', '-D', ldap.bindDN, '-w', 'wrong', '-b', ldap.baseDN, 'uid=x'], { as: 'anonymous' });
    expect(wrong.code).toBe(49); // invalidCredentials
    const other = new Client({ url: ldap.url });
    await expect(other.bind(ldap.bindDN, 'wrong')).rejects.toBeInstanceOf(InvalidCredentialsError);
    await other.unbind();
  });

  it('returns entryUUID, createTimestamp and modifyTimestamp; loaded entries date from 2024-01-01', async () => {
    const { searchEntries } = await client.search(ldap.baseDN, { filter: `(uid=${attr(people[10]!, 'uid')})`, attributes: ['uid', 'entryUUID', 'createTimestamp', 'modifyTimestamp'] });
    expect(searchEntries).toHaveLength(1);
    const e = searchEntries[0]!;
    expect(one(e, 'entryUUID')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(one(e, 'modifyTimestamp')).toBe('20240101000000Z');
    expect(one(e, 'createTimestamp')).toBe('20240101000000Z');
  });

  it('a modify changes modifyTimestamp and keeps entryUUID; so does a rename', async () => {
    const target = people[20]!;
    const before = parseLdif(await ldap.search(`(uid=${attr(target, 'uid')})`, ['entryUUID', 'modifyTimestamp']))[0]!;
    await ldap.modify(joinLdif(changePhoneLdif(target.dn, ['030 5550100', '+49 30 5550101']), replaceLdif(target.dn, { title: 'Neu: Leitung Ä' })));
    const after = parseLdif(await ldap.search(`(uid=${attr(target, 'uid')})`, ['entryUUID', 'modifyTimestamp', 'telephoneNumber', 'title']))[0]!;
    expect(after.attributes.entryUUID).toEqual(before.attributes.entryUUID);
    expect(after.attributes.modifyTimestamp![0]! > before.attributes.modifyTimestamp![0]!).toBe(true);
    expect(after.attributes.telephoneNumber).toEqual(['030 5550100', '+49 30 5550101']);
    expect(after.attributes.title).toEqual(['Neu: Leitung Ä']);

    const moved = people[21]!;
    const uuid = parseLdif(await ldap.search(`(uid=${attr(moved, 'uid')})`, ['entryUUID']))[0]!.attributes.entryUUID;
    await ldap.modify(renameLdif(moved.dn, 'uid=renamed-21', { newSuperior: `ou=external,${ldap.baseDN}` }));
    const renamed = parseLdif(await ldap.search('(uid=renamed-21)', ['entryUUID']))[0]!;
    expect(renamed.dn).toBe(`uid=renamed-21,ou=external,${ldap.baseDN}`);
    expect(renamed.attributes.entryUUID).toEqual(uuid);
  });

  it('UTF-8 and special characters round-trip, and filters find them when escaped (RFC 4515)', async () => {
    const cases = people.slice(0, 8).filter((p) => p.dn.includes(',ou=people,'));
    for (const p of cases) {
      const cn = attr(p, 'cn')!;
      const escaped = cn.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
      const { searchEntries } = await client.search(ldap.baseDN, { filter: `(cn=${escaped})`, attributes: ['cn', 'sn', 'givenName', 'mail'] });
      expect(searchEntries.map((e) => one(e, 'cn'))).toEqual([cn]);
      expect(one(searchEntries[0]!, 'sn')).toBe(attr(p, 'sn'));
    }
    const weiss = await client.search(ldap.baseDN, { filter: '(sn=Weiß)', attributes: ['sn'], paged: { pageSize: 500 } });
    expect(weiss.searchEntries.length).toBeGreaterThan(0);
    expect(weiss.searchEntries.every((e) => one(e, 'sn') === 'Weiß')).toBe(true);
  });

  it('adds and removes entries while running', async () => {
    const extra = generatePeople(3, { seed: 99 }).map((p, i) => ({ ...p, dn: p.dn.replace(/^uid=[^,]+/, `uid=extra${i}`), attributes: { ...p.attributes, uid: `extra${i}` } }));
    await ldap.add(extra);
    expect(dnCount(await ldap.search('(uid=extra*)', ['dn']))).toBe(3);
    await ldap.remove(extra.slice(0, 2).map((e) => e.dn));
    expect(dnCount(await ldap.search('(uid=extra*)', ['dn']))).toBe(1);
  });

  it('kill (SIGKILL) and start keep the port and the data', async () => {
    const port = ldap.port;
    const pid = ldap.pid;
    ldap.kill();
    await expect(client.search(ldap.baseDN, { filter: '(uid=extra2)' })).rejects.toThrow();
    const down = await ldap.ldapsearch(['-LLL', '-b', ldap.baseDN, '(uid=extra2)']);
    expect(down.code).toBe(255); // can't contact LDAP server
    await ldap.start();
    expect(ldap.port).toBe(port);
    expect(ldap.pid).not.toBe(pid);
    expect(parseLdif(await ldap.search('(uid=renamed-21)', ['uid']))).toHaveLength(1);
    expect(parseLdif(await ldap.search('(uid=extra2)', ['uid']))).toHaveLength(1);
    expect(dnCount(await ldap.search('(objectClass=inetOrgPerson)', ['dn']))).toBe(2600 + 1);
    client = await connect();
    const { searchEntries } = await client.search(ldap.baseDN, { filter: '(uid=extra2)', attributes: ['uid'] });
    expect(searchEntries).toHaveLength(1);

    // start() right after kill() waits for the old process to be gone.
    await client.unbind();
    ldap.kill();
    expect(ldap.running).toBe(false);
    await ldap.start();
    expect(ldap.running).toBe(true);
    expect(dnCount(await ldap.search('(uid=extra2)', ['dn']))).toBe(1);
    client = await connect();
  });

  it('pause() makes the server hang (for timeout tests) until resume()', async () => {
    await ldap.pause();
    const hung = new Client({ url: ldap.url, timeout: 300, connectTimeout: 300 });
    await expect(hung.bind(ldap.bindDN, ldap.bindPassword)).rejects.toThrow(/timeout|timed out/i);
    await hung.unbind().catch(() => {});
    ldap.resume();
    expect(dnCount(await ldap.search('(uid=extra2)', ['dn']))).toBe(1);
  });

  it('stop({ keepData }) and start restart gracefully', async () => {
    await client.unbind();
    await ldap.stop({ keepData: true });
    expect(ldap.running).toBe(false);
    await ldap.start();
    expect(dnCount(await ldap.search('(uid=extra2)', ['dn']))).toBe(1);
  });
});

describeWithSlapd('slapd test harness: Active Directory-style schema', () => {
  const people = generatePeople(60, { seed: 11, ad: true });
  let ldap: Slapd;
  let client: Client;

  beforeAll(async () => {
    ldap = await startSlapd({ entries: people, adSchema: true, sizeLimit: 25 });
    client = new Client({ url: ldap.url });
    await client.bind(ldap.bindDN, ldap.bindPassword);
  });
  afterAll(async () => {
    await client?.unbind().catch(() => {});
    await ldap?.stop();
  });

  it('serves AD attribute names, a 16-byte objectGUID and the AD preset filter', async () => {
    const entries: Entry[] = [];
    for await (const page of client.searchPaginated(ldap.baseDN, {
      filter: '(&(objectCategory=person)(objectClass=user))',
      attributes: ['cn', 'sAMAccountName', 'objectGUID', 'uSNChanged', 'whenChanged', 'department', 'company', 'ipPhone', 'otherTelephone'],
      explicitBufferAttributes: ['objectGUID'],
      paged: { pageSize: 25 },
    }))
      entries.push(...page.searchEntries);
    expect(entries).toHaveLength(60);
    const first = entries.find((e) => one(e, 'sAMAccountName') === attr(people[0]!, 'sAMAccountName'))!;
    expect(one(first, 'cn')).toBe("O'Brien, Seán");
    expect(first.dn).toBe(`cn=O'Brien\\2C Seán,ou=people,${ldap.baseDN}`); // slapd writes the escaped comma as \2C
    const guid = one(first, 'objectGUID') as Buffer;
    expect(Buffer.isBuffer(guid) && guid.length).toBe(16);
    expect(guid.equals(Buffer.from(people[0]!.attributes.objectGUID as Uint8Array))).toBe(true);
    expect(entries.some((e) => e.otherTelephone !== undefined)).toBe(true);
  });

  it('finds changes by uSNChanged and serves highestCommittedUSN in the root DSE', async () => {
    const root = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['highestCommittedUSN'] });
    expect(one(root.searchEntries[0]!, 'highestCommittedUSN')).toBe(String(maxUsn(people)));
    const usn = maxUsn(people) + 1;
    await ldap.modify(changePhoneLdif(people[5]!.dn, ['+49 30 999999'], { ad: { usn } }));
    const changed = await client.search(ldap.baseDN, { filter: `(uSNChanged>=${usn})`, attributes: ['sAMAccountName', 'telephoneNumber', 'whenChanged'] });
    expect(changed.searchEntries.map((e) => one(e, 'sAMAccountName'))).toEqual([attr(people[5]!, 'sAMAccountName')]);
    expect(one(changed.searchEntries[0]!, 'whenChanged')).toMatch(/^\d{14}\.0Z$/);

    await ldap.setRootDSE({ highestCommittedUSN: String(usn) });
    await client.unbind();
    await ldap.stop({ keepData: true });
    await ldap.start();
    client = new Client({ url: ldap.url });
    await client.bind(ldap.bindDN, ldap.bindPassword);
    const root2 = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['highestCommittedUSN'] });
    expect(one(root2.searchEntries[0]!, 'highestCommittedUSN')).toBe(String(usn));
  });
});
