/**
 * The service descriptions: the built-in AXL one (any version; namespace and SOAPAction carry it)
 * parsed by node-soap, and an admin-supplied AXL Toolkit folder (Cisco's 14.0 files from
 * test/fixtures) used by the client against the double.
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createClientAsync } from 'soap';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AxlClient, axlWsdl, KNOWN_VERSIONS, risportWsdl, toolkitCatalog } from '../src/index.js';
import { AXL_WSDL, startCucmDouble, type CucmDouble } from './double/server.js';
import { failure } from './helpers.js';

const OPERATIONS = ['getCCMVersion', 'listPhone', 'getPhone', 'getUser', 'listFacInfo', 'getFacInfo', 'executeSQLQuery'];
const FIXTURES = dirname(dirname(AXL_WSDL));

describe('built-in AXL description', () => {
  test.each(KNOWN_VERSIONS.map((v) => [v]))('version %s: seven operations, SOAPAction and namespace of that version', async (version) => {
    const text = axlWsdl(version);
    expect(text).toContain(`xmlns:xsd1="http://www.cisco.com/AXL/API/${version}"`);
    const client = await createClientAsync(text, { endpoint: 'https://cucm.invalid:8443/axl/' });
    const port = client.describe().AXLAPIService.AXLPort as Record<string, unknown>;
    expect(Object.keys(port).sort()).toEqual([...OPERATIONS].sort());
    const wsdl = client.wsdl as unknown as { definitions: { bindings: Record<string, { methods: Record<string, { soapAction: string }> }> } };
    expect(wsdl.definitions.bindings.AXLAPIBinding!.methods.listPhone!.soapAction).toBe(`CUCM:DB ver=${version} listPhone`);
  });

  test('is not Cisco\'s file and is small', () => {
    const text = axlWsdl('14.0');
    expect(text).not.toContain('CISCO CONFIDENTIAL');
    expect(text.length).toBeLessThan(20_000);
    expect(() => axlWsdl('latest')).toThrow(/not an AXL schema version/);
  });

  test('RisPort70 description parses with selectCmDevice', async () => {
    const client = await createClientAsync(risportWsdl(), { endpoint: 'https://cucm.invalid:8443/realtimeservice2/services/RISService70' });
    expect(Object.keys(client.describe().RISService70.RisPort70)).toEqual(['selectCmDevice']);
  });
});

describe('AXL Toolkit folder', () => {
  let cucm: CucmDouble;
  let dir: string;
  beforeAll(async () => {
    cucm = await startCucmDouble({ versions: ['12.5', '14.0'] });
    cucm.data.seed({ users: 2 });
    // A toolkit unpacked the way Cisco ships it: schema/<version>/AXLAPI.wsdl + AXLSoap.xsd.
    dir = await mkdtemp(join(tmpdir(), 'dialbook-axl-toolkit-'));
    await mkdir(join(dir, 'schema', '14.0'), { recursive: true });
    await symlink(AXL_WSDL, join(dir, 'schema', '14.0', 'AXLAPI.wsdl'));
    await symlink(join(dirname(AXL_WSDL), 'AXLSoap.xsd'), join(dir, 'schema', '14.0', 'AXLSoap.xsd'));
    await mkdir(join(dir, 'broken'));
    await writeFile(join(dir, 'broken', 'AXLAPI.wsdl'), '<definitions/>');
  });
  afterAll(async () => {
    await cucm.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the catalog finds the versions in the folder, its schema/ sub-folders, or the file itself', async () => {
    expect((await toolkitCatalog(join(FIXTURES, 'axl-14.0'))).versions).toEqual(['14.0']);
    expect((await toolkitCatalog(AXL_WSDL)).versions).toEqual(['14.0']);
    expect((await toolkitCatalog(FIXTURES)).versions).toEqual(['14.0']);
    const cat = await toolkitCatalog(join(dir, 'schema'));
    expect(cat.versions).toEqual(['14.0']);
    expect(cat.wsdlFor('14.0')).toBe(join(dir, 'schema', '14.0', 'AXLAPI.wsdl'));
  });

  test('a folder without a usable AXLAPI.wsdl: DIALBOOK_CUCM_WSDL saying where to get one', async () => {
    for (const p of [join(dir, 'nope'), join(dir, 'broken')]) {
      const err = await failure(toolkitCatalog(p));
      expect(err.code).toBe('DIALBOOK_CUCM_WSDL');
      expect(err.message).toContain('Application → Plugins');
    }
  });

  test("the client speaks through Cisco's own WSDL from the toolkit", async () => {
    const axl = new AxlClient({ ...cucm.connection, wsdl: { kind: 'toolkit', path: join(dir, 'schema') } });
    try {
      expect(await axl.version()).toMatchObject({ schemaVersion: '14.0', requested: '14.0' });
      expect((await axl.getPhone('SEP000000000010')).lines[0]?.dn).toBe('10000');
      expect((await axl.listPhone({ name: 'SEP%' })).length).toBe(2);
      expect((await axl.getUser('user0002')).associatedDevices).toEqual(['SEP000000000020']);
      expect((await axl.getFacInfo('First2 Last2')).code).toBe('100002');
      expect(cucm.lastRequest('getPhone')?.soapAction).toBe('CUCM:DB ver=14.0 getPhone');
    } finally {
      axl.close();
    }
  }, 60_000);

  test('a toolkit of a version the cluster refuses: DIALBOOK_CUCM_VERSION pointing at the toolkit', async () => {
    cucm.configure({ versions: ['12.5'] });
    const axl = new AxlClient({ ...cucm.connection, wsdl: { kind: 'toolkit', path: join(FIXTURES, 'axl-14.0') } });
    try {
      const err = await failure(axl.version());
      expect(err.code).toBe('DIALBOOK_CUCM_VERSION');
      expect(err.message).toMatch(/refused AXL schema 14\.0 .*it offers 12\.5.*Download the AXL Toolkit from this cluster/);
    } finally {
      axl.close();
      cucm.configure({ versions: ['12.5', '14.0'] });
    }
  }, 60_000);

  test('a configured version the toolkit does not hold: DIALBOOK_CUCM_WSDL', async () => {
    const axl = new AxlClient({ ...cucm.connection, version: '12.5', wsdl: { kind: 'toolkit', path: join(FIXTURES, 'axl-14.0') } });
    const err = await failure(axl.version());
    expect(err.code).toBe('DIALBOOK_CUCM_WSDL');
    expect(err.message).toContain('Pick one of 14.0');
    axl.close();
  });
});
