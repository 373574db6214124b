/**
 * Where the AXL service description comes from: the built-in one (any schema version), or the
 * Cisco AXL Toolkit an administrator downloaded from their own cluster (Cisco Unified CM
 * Administration → Application → Plugins → Cisco AXL Toolkit) and unpacked on this server.
 * The toolkit's files are Cisco's; this package never ships them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CucmError } from '../errors.js';
import { axlWsdl } from './axl.js';
import { KNOWN_VERSIONS, sortVersions } from './versions.js';

export type WsdlSource =
  /** Dialbook's own minimal description (default). */
  | { kind: 'builtin' }
  /**
   * An AXL Toolkit: the path of an `AXLAPI.wsdl`, of the folder holding it (with its
   * `AXLSoap.xsd`), or of a folder with one sub-folder per version (`schema/14.0/AXLAPI.wsdl`,
   * `schema/current/…`).
   */
  | { kind: 'toolkit'; path: string };

export interface WsdlCatalog {
  /** Schema versions available, newest first. */
  versions: string[];
  /** What `soap.createClientAsync` takes for `version`: WSDL text (built-in) or the file path (toolkit). */
  wsdlFor(version: string): string;
  describe(): string;
}

export const builtinCatalog: WsdlCatalog = {
  versions: [...KNOWN_VERSIONS],
  wsdlFor: (version) => axlWsdl(version),
  describe: () => "Dialbook's built-in AXL description",
};

const VERSION_IN_WSDL = /xmlns:\w+="http:\/\/www\.cisco\.com\/AXL\/API\/(\d{1,2}\.\d)"/;

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

/** The schema version an `AXLAPI.wsdl` is written for (from its namespace declaration). */
async function versionOfWsdl(file: string): Promise<string | null> {
  const head = (await readFile(file, 'utf8')).slice(0, 4096);
  return VERSION_IN_WSDL.exec(head)?.[1] ?? null;
}

const wsdlError = (path: string, why: string) =>
  new CucmError(
    'DIALBOOK_CUCM_WSDL',
    `AXL Toolkit at "${path}": ${why}. Download the Cisco AXL Toolkit from the cluster (Cisco Unified CM Administration → Application → Plugins), unpack it on this server and give the path of its schema folder (or of AXLAPI.wsdl).`,
    { service: 'axl' },
  );

/** Read a toolkit folder (or file) and list the versions it holds. */
export async function toolkitCatalog(path: string): Promise<WsdlCatalog> {
  const root = resolve(path);
  const found = new Map<string, string>();
  const consider = async (file: string) => {
    if (!(await isFile(file))) return;
    if (!(await isFile(join(dirname(file), 'AXLSoap.xsd')))) throw wsdlError(path, `${file} has no AXLSoap.xsd beside it`);
    const v = await versionOfWsdl(file);
    if (!v) throw wsdlError(path, `${file} does not declare an AXL namespace (http://www.cisco.com/AXL/API/<version>)`);
    if (!found.has(v)) found.set(v, file);
  };
  const s = await stat(root).catch(() => null);
  if (!s) throw wsdlError(path, 'no such file or folder');
  if (s.isFile()) {
    if (basename(root) !== 'AXLAPI.wsdl') throw wsdlError(path, 'the file is not AXLAPI.wsdl');
    await consider(root);
  } else {
    await consider(join(root, 'AXLAPI.wsdl'));
    const dirs = await readdir(root, { withFileTypes: true });
    for (const d of dirs) if (d.isDirectory()) await consider(join(root, d.name, 'AXLAPI.wsdl'));
    if (!found.size) {
      const schema = join(root, 'schema');
      for (const d of await readdir(schema, { withFileTypes: true }).catch(() => [])) if (d.isDirectory()) await consider(join(schema, d.name, 'AXLAPI.wsdl'));
    }
  }
  if (!found.size) throw wsdlError(path, 'no AXLAPI.wsdl found (looked in the folder, its sub-folders and schema/*)');
  const versions = sortVersions(found.keys());
  return {
    versions,
    wsdlFor: (version) => {
      const file = found.get(version);
      if (!file) throw wsdlError(path, `it holds schema ${versions.join(', ')}, not ${version}`);
      return file;
    },
    describe: () => `the AXL Toolkit at ${root} (schema ${versions.join(', ')})`,
  };
}

export async function catalogOf(source: WsdlSource | undefined): Promise<WsdlCatalog> {
  return !source || source.kind === 'builtin' ? builtinCatalog : toolkitCatalog(source.path);
}
