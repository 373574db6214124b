import { describe, expect, test } from 'vitest';
import { ownedPhonesFromRows, ownedPhonesSql, sqlString } from './sql.js';

describe('read-only SQL', () => {
  test('literals are escaped, user ids lowered', () => {
    expect(sqlString("o'brien")).toBe("'o''brien'");
    const sql = ownedPhonesSql(["O'Brien", 'alice']);
    expect(sql).toContain("IN ('o''brien', 'alice')");
    expect(sql.match(/ UNION /g)).toHaveLength(2);
    expect(sql).toMatch(/^SELECT /);
  });

  test('rows → phones per user: links merged, lines deduplicated and ordered, unknown users listed', () => {
    const row = (r: Record<string, string | null>) => ({ device: null, description: null, model: null, userid: null, link: null, dn: null, lineindex: null, partition: null, ...r });
    const r = ownedPhonesFromRows(['Alice', 'ghost'], [
      row({ userid: 'alice', link: 'user' }),
      row({ device: 'SEP001122334455', model: 'Cisco 8841', userid: 'alice', link: 'owner', dn: '1002', lineindex: '2', partition: 'PT' }),
      row({ device: 'SEP001122334455', model: 'Cisco 8841', userid: 'alice', link: 'owner', dn: '1001', lineindex: '1', partition: 'PT' }),
      row({ device: 'SEP001122334455', model: 'Cisco 8841', userid: 'alice', link: 'associated', dn: '1001', lineindex: '1', partition: 'PT' }),
      row({ device: 'SEP00112233445F', model: 'Cisco 7841', userid: 'alice', link: 'owner' }),
    ]);
    expect(r.unknownUsers).toEqual(['ghost']);
    expect(r.byUser.get('ghost')).toEqual([]);
    expect(r.byUser.get('Alice')).toEqual([
      { name: 'SEP001122334455', mac: '00:11:22:33:44:55', description: null, model: 'Cisco 8841', links: ['associated', 'owner'], lines: [{ index: 1, dn: '1001', partition: 'PT' }, { index: 2, dn: '1002', partition: 'PT' }] },
      { name: 'SEP00112233445F', mac: '00:11:22:33:44:5F', description: null, model: 'Cisco 7841', links: ['owner'], lines: [] },
    ]);
  });
});
