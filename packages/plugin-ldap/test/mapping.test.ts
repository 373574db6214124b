import { describe, expect, it } from 'vitest';
import { cleanNumber, formatGuid, guidBytes, laterMarker, earlierMarker, mapEntry, normaliseDn, requestedAttributes, timeKey, toGeneralizedTime, type LdapEntry, type MapOptions } from '../src/mapping.js';
import { effectiveMapping } from '../src/presets.js';
import { LdapSettingsSchema, resolveSettings } from '../src/settings.js';

const openldap: MapOptions = { mapping: effectiveMapping('openldap'), preset: 'openldap', identity: 'auto', namespace: 'ldap' };
const ad: MapOptions = { mapping: effectiveMapping('ad'), preset: 'ad', identity: 'auto', namespace: 'ldap' };

const ANNA: LdapEntry = {
  dn: 'uid=amueller,ou=People,dc=example,dc=org',
  entryUUID: 'A1B2C3D4-0000-1111-2222-333344445555',
  uid: 'amueller',
  givenName: 'Anna',
  sn: 'Müller',
  cn: 'Anna Müller',
  o: 'Beispiel GmbH',
  departmentNumber: 'Vertrieb',
  title: 'Leiterin Vertrieb',
  mail: ['anna.mueller@beispiel.de', 'Anna.Mueller@Beispiel.de', 'not an address'],
  telephoneNumber: ['+49 30 1234567', '030 1234568'],
  mobile: '0171\u00a02345678',
  homePhone: 'ask reception',
  modifyTimestamp: '20240131120000Z',
};

describe('mapEntry (OpenLDAP inetOrgPerson)', () => {
  it('maps names, multi-valued numbers and addresses; identity is the entryUUID', () => {
    const m = mapEntry(ANNA, openldap);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.identity).toBe('a1b2c3d4-0000-1111-2222-333344445555');
    expect(m.identityAttribute).toBe("entryUUID");
    expect(m.uid).toBe('amueller');
    expect(m.contact).toEqual({
      firstName: 'Anna',
      lastName: 'Müller',
      displayName: 'Anna Müller',
      organization: 'Beispiel GmbH',
      department: 'Vertrieb',
      title: 'Leiterin Vertrieb',
      emails: ['anna.mueller@beispiel.de'],
      phones: [
        { type: 'work', number: '+49 30 1234567' },
        { type: 'work', number: '030 1234568' },
        { type: 'mobile', number: '0171 2345678' },
      ],
      attributes: { ldap: { dn: ANNA.dn, uid: 'amueller' } },
    });
    expect(m.warnings).toEqual(['mail "not an address": not an e-mail address, left out', 'homePhone "ask reception": not a phone number, left out']);
    expect(m.changed).toEqual({ modifyTimestamp: '20240131120000Z', uSNChanged: null });
  });

  it('reads attribute names in any case, and empty attributes clear fields', () => {
    const m = mapEntry({ dn: 'uid=x,dc=e', ENTRYUUID: 'u-1', GIVENNAME: 'Zoë', SN: [] as string[] }, openldap);
    expect(m.ok && m.contact).toMatchObject({ firstName: 'Zoë', lastName: null, title: null, emails: [], phones: [] });
  });

  it('falls back to the DN when no id attribute is there, in one spelling', () => {
    const m = mapEntry({ dn: 'uid=Seán , ou=People,DC=Example,DC=org', cn: "Seán O'Connor" }, openldap);
    expect(m.ok && m.identity).toBe("dn:uid=seán,ou=people,dc=example,dc=org");
    expect(normaliseDn('CN=Müller\\, Anna, OU=Staff')).toBe('cn=müller\\, anna,ou=staff');
  });

  it('refuses an entry without any name, and one missing an explicitly configured identity', () => {
    const noName = mapEntry({ dn: 'uid=x,dc=e', entryUUID: 'u-2', telephoneNumber: '123' }, openldap);
    expect(noName).toEqual({ ok: false, identity: 'u-2', dn: 'uid=x,dc=e', problems: ['no name: none of givenName, sn, displayName, cn, o has a value'] });
    const noId = mapEntry({ dn: 'uid=x,dc=e', cn: 'X' }, { ...openldap, identity: 'employeeNumber' });
    expect(noId).toMatchObject({ ok: false, identity: null, problems: [expect.stringContaining('the entry has no employeeNumber')] });
  });

  it('keeps numbers once across types and cleans Unicode dashes', () => {
    expect(cleanNumber('030\u20131234\u2009567')).toBe('030-1234 567');
    const m = mapEntry({ dn: 'x=1', cn: 'A', entryUUID: 'u', telephoneNumber: '030 123', mobile: '030-123' }, openldap);
    expect(m.ok && m.contact.phones).toEqual([{ type: 'work', number: '030 123' }]);
  });
});

describe('mapEntry (Active Directory)', () => {
  const guid = Buffer.from('3f2504e04f8941d39a0c0305e82c3301', 'hex');
  const JORG: LdapEntry = {
    dn: 'CN=Jörg Weiß,OU=Staff,DC=corp,DC=example',
    objectGUID: guid,
    sAMAccountName: 'jweiss',
    givenName: 'Jörg',
    sn: 'Weiß',
    displayName: 'Weiß, Jörg',
    company: 'Corp AG',
    department: 'Einkauf',
    telephoneNumber: '+49 89 5550100',
    otherTelephone: ['+49 89 5550101', '+49 89 5550102'],
    ipPhone: '4711',
    mobile: '+49 160 5550100',
    uSNChanged: '123456',
  };

  it('formats objectGUID as AD tools show it and maps the AD attributes', () => {
    const m = mapEntry(JORG, ad);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.identity).toBe('e004253f-894f-d341-9a0c-0305e82c3301');
    expect(m.uid).toBe('jweiss');
    expect(m.contact).toMatchObject({ displayName: 'Weiß, Jörg', organization: 'Corp AG', department: 'Einkauf' });
    expect(m.contact.phones).toEqual([
      { type: 'work', number: '+49 89 5550100' },
      { type: 'work', number: '+49 89 5550101' },
      { type: 'work', number: '+49 89 5550102' },
      { type: 'mobile', number: '+49 160 5550100' },
      { type: 'other', number: '4711' },
    ]);
    expect(m.changed.uSNChanged).toBe('123456');
  });

  it('GUID bytes and text convert both ways', () => {
    expect(formatGuid(guid)).toBe('e004253f-894f-d341-9a0c-0305e82c3301');
    expect(guidBytes('e004253f-894f-d341-9a0c-0305e82c3301').equals(guid)).toBe(true);
    expect(() => formatGuid(Buffer.alloc(3))).toThrow('16 bytes');
  });

  it('a mapping override replaces the preset per key', () => {
    const mapping = effectiveMapping('ad', { uid: ['userPrincipalName'], phones: { other: [] } });
    const m = mapEntry({ ...JORG, userPrincipalName: 'jweiss@corp.example' }, { ...ad, mapping });
    expect(m.ok && m.uid).toBe('jweiss@corp.example');
    expect(m.ok && m.contact.phones?.map((p) => p.number)).not.toContain('4711');
  });

  it('asks the server for the identity, the mapped and the change attributes', () => {
    const attrs = requestedAttributes(effectiveMapping('ad'), 'ad', 'auto');
    expect(attrs).toEqual(expect.arrayContaining(['objectGUID', 'sAMAccountName', 'ipPhone', 'otherTelephone', 'uSNChanged', 'modifyTimestamp']));
    expect(new Set(attrs.map((a) => a.toLowerCase())).size).toBe(attrs.length);
  });
});

describe('change markers', () => {
  it('compares generalized times of both spellings and USNs as integers', () => {
    expect(timeKey('20240131120000Z')).toBe('20240131120000.000000');
    expect(timeKey('20240131120000.5Z')).toBe('20240131120000.500000');
    expect(laterMarker('modifyTimestamp', '20240131120000Z', '20240131120000.5Z')).toBe('20240131120000.5Z');
    expect(laterMarker('uSNChanged', '99', '100')).toBe('100');
    expect(earlierMarker('uSNChanged', '99', '100')).toBe('99');
    expect(laterMarker('uSNChanged', null, '7')).toBe('7');
    expect(toGeneralizedTime(new Date('2024-01-31T12:34:56.789Z'))).toBe('20240131123456Z');
  });
});

describe('settings', () => {
  it('need url and baseDN; defaults come from the schema and the preset', () => {
    const r = LdapSettingsSchema.safeParse({});
    expect(r.success).toBe(false);
    const s = resolveSettings(LdapSettingsSchema.parse({ url: 'ldaps://dc1.corp.example', baseDN: 'DC=corp,DC=example', preset: 'ad' }));
    expect(s).toMatchObject({ filter: '(&(objectCategory=person)(objectClass=user))', changeAttribute: 'uSNChanged', pageSize: 500, maxDeleteShare: 0.2, incremental: true, schedule: null, tls: { verify: true } });
    expect(s.effective.uid).toEqual(['sAMAccountName']);
  });

  it('refuses a broken filter, a wrong URL, a page size beyond 1000', () => {
    const r = LdapSettingsSchema.safeParse({ url: 'http://x', baseDN: 'dc=x', filter: '(&(uid=x)', pageSize: 5000 });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['filter', 'pageSize', 'url']);
  });
});
