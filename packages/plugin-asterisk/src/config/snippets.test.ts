import { describe, expect, test } from 'vitest';
import { AsteriskOptionsSchema } from '../options.js';
import { agiAddress, configSnippets } from './snippets.js';

const options = (o: unknown) => AsteriskOptionsSchema.parse(o);

describe('Asterisk config snippets', () => {
  test('filled with the options; no password of a database URL', () => {
    const s = configSnippets(options({ agi: { host: '10.0.0.5', port: 4573 }, ara: { databaseUrl: 'postgres://ast:s3cret@db.example:5433/asterisk' }, cdr: { databaseUrl: 'postgres://cdr:other-secret@cdr.example/cdrdb', table: 'calls_cdr' } }));
    const by = Object.fromEntries(s.map((x) => [x.file, x.content]));
    expect(Object.keys(by)).toEqual(['extensions.conf', 'extconfig.conf', 'sorcery.conf', 'res_pgsql.conf', 'cdr_pgsql.conf']);
    expect(by['extensions.conf']).toContain(' same => n,AGI(agi://10.0.0.5:4573/route,${EXTEN},${CALLERID(num)})');
    expect(by['extensions.conf']).toContain('DIALBOOK_RESULT');
    expect(by['extconfig.conf']).toBe('[settings]\nps_endpoints => pgsql,general\nps_auths => pgsql,general\nps_aors => pgsql,general');
    expect(by['sorcery.conf']).toContain('endpoint=realtime,ps_endpoints');
    expect(by['res_pgsql.conf']).toBe('[general]\ndbhost=db.example\ndbport=5433\ndbname=asterisk\ndbuser=ast\ndbpass=<the password in ara.databaseUrl>\nrequirements=warn');
    expect(by['cdr_pgsql.conf']).toContain('hostname=cdr.example\nport=5432\ndbname=cdrdb\nuser=cdr\n');
    expect(by['cdr_pgsql.conf']).toContain('table=calls_cdr');
    expect(JSON.stringify(s)).not.toMatch(/s3cret|other-secret/);
  });

  test('the AGI address: a wildcard listener needs the host filled in; port 0 takes the port listened on', () => {
    expect(agiAddress(options({ agi: { host: '0.0.0.0' } }))).toBe('<address of the Dialbook host>:4573');
    expect(agiAddress(options({ agi: { port: 0 } }), 40123)).toBe('127.0.0.1:40123');
    expect(agiAddress(options({ agi: { host: '::1' } }))).toBe('[::1]:4573');
  });
});
