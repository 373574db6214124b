/**
 * "Test connection": DNS, TCP/TLS, bind, base DN, filter and the mapping of one entry,
 * each a step with its own verdict, so an admin sees exactly which one failed.
 */
import { isIP } from 'node:net';
import { connect, searchSome, type LdapConnection } from './connection.js';
import { endpointOf, type LdapStage } from './errors.js';
import { mapEntry, nameOf } from './mapping.js';
import { requestedAttributes } from './mapping.js';
import type { ResolvedSettings } from './settings.js';

export type ProbeStep = 'settings' | 'dns' | 'tcp' | 'tls' | 'bind' | 'baseDN' | 'filter' | 'mapping';

export interface ProbeReport {
  ok: boolean;
  /** The step that failed, or null. */
  stage: ProbeStep | null;
  message: string;
  steps: { step: ProbeStep; ok: boolean; message: string }[];
  /** The first entry the filter found, as it would be imported. */
  sample: { dn: string; name: string; identity: string | null; uid: string | null } | null;
}

const ORDER: ProbeStep[] = ['dns', 'tcp', 'tls', 'bind'];

/** The steps before `failed` passed; `failed` did not. */
function connectSteps(s: ResolvedSettings, failed: LdapStage | null, message: string): ProbeReport['steps'] {
  const { host, display, secure } = endpointOf(s.url);
  const usesTls = secure || s.startTls;
  const stage = (failed === 'connection' || failed === 'search' ? 'tcp' : failed) as ProbeStep | null;
  const done: Record<string, string> = {
    dns: isIP(host) ? `${host} is an IP address` : `${host} resolves`,
    tcp: `${display} accepts connections`,
    tls: secure ? 'LDAPS handshake done, certificate accepted' : 'StartTLS done, certificate accepted',
    bind: s.bindDN ? `bound as "${s.bindDN}"` : 'bound anonymously',
  };
  const steps: ProbeReport['steps'] = [];
  for (const step of ORDER) {
    if (step === 'tls' && !usesTls && stage !== 'tls') continue;
    if (step === stage) {
      steps.push({ step, ok: false, message });
      return steps;
    }
    steps.push({ step, ok: true, message: done[step]! });
  }
  return steps;
}

/** Run every step against the directory the settings describe; never throws for directory problems. */
export async function probe(s: ResolvedSettings, plugin: string): Promise<ProbeReport> {
  let conn: LdapConnection;
  const fromError = (err: unknown): { stage: LdapStage | null; message: string } => {
    const stage = (err as { details?: { stage?: LdapStage } }).details?.stage ?? null;
    return { stage, message: err instanceof Error ? err.message : String(err) };
  };
  try {
    conn = await connect(s, plugin);
  } catch (err) {
    const { stage, message } = fromError(err);
    if (stage === 'settings') return { ok: false, stage: 'settings', message, steps: [{ step: 'settings', ok: false, message }], sample: null };
    const steps = connectSteps(s, stage, message);
    return { ok: false, stage: steps[steps.length - 1]?.step ?? 'tcp', message, steps, sample: null };
  }
  const steps = connectSteps(s, null, '');
  const finish = async (report: Omit<ProbeReport, 'steps'>): Promise<ProbeReport> => {
    await conn.close();
    return { ...report, steps };
  };
  try {
    // The base DN itself.
    try {
      const base = await searchSome(conn, { base: s.baseDN, scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'], limit: 1 });
      if (!base.length) {
        const message = `base DN: "${s.baseDN}" is not visible to ${s.bindDN ? `"${s.bindDN}"` : 'an anonymous bind'} (the server returned nothing for it).`;
        steps.push({ step: 'baseDN', ok: false, message });
        return await finish({ ok: false, stage: 'baseDN', message, sample: null });
      }
      steps.push({ step: 'baseDN', ok: true, message: `"${s.baseDN}" exists` });
    } catch (err) {
      const { message } = fromError(err);
      steps.push({ step: 'baseDN', ok: false, message });
      return await finish({ ok: false, stage: 'baseDN', message, sample: null });
    }
    // The filter, with one entry.
    let entries;
    try {
      entries = await searchSome(conn, { base: s.baseDN, scope: s.scope, filter: s.filter, attributes: requestedAttributes(s.effective, s.preset, s.identity), limit: 1 });
    } catch (err) {
      const { stage, message } = fromError(err);
      const step: ProbeStep = stage === 'filter' ? 'filter' : stage === 'baseDN' ? 'baseDN' : 'filter';
      steps.push({ step, ok: false, message });
      return await finish({ ok: false, stage: step, message, sample: null });
    }
    const entry = entries[0];
    if (!entry) {
      const message = `filter: no entry under "${s.baseDN}" (scope ${s.scope}) matches ${s.filter}. Check the filter and the base DN; a sync with this filter would import nothing.`;
      steps.push({ step: 'filter', ok: false, message });
      return await finish({ ok: false, stage: 'filter', message, sample: null });
    }
    steps.push({ step: 'filter', ok: true, message: `${s.filter} finds entries, e.g. ${entry.dn}` });
    // The mapping of that entry.
    const mapped = mapEntry(entry, { mapping: s.effective, preset: s.preset, identity: s.identity, namespace: 'ldap' });
    if (!mapped.ok) {
      const message = `mapping: ${entry.dn} was found but cannot be imported: ${mapped.problems.join('; ')}. Check the preset and the attribute mapping.`;
      steps.push({ step: 'mapping', ok: false, message });
      return await finish({ ok: false, stage: 'mapping', message, sample: { dn: entry.dn, name: '', identity: mapped.identity, uid: null } });
    }
    const name = nameOf(mapped.contact);
    const idAttr = mapped.identityAttribute === 'dn' ? 'the DN (no entryUUID or objectGUID: renaming an entry makes it a new contact)' : mapped.identityAttribute;
    const incremental = mapped.changed[s.changeAttribute] ? `incremental sync by ${s.changeAttribute} is available` : `the entry has no ${s.changeAttribute}, so every sync reads the whole directory`;
    steps.push({ step: 'mapping', ok: true, message: `"${name}" maps to a contact (identity: ${idAttr}; ${mapped.contact.phones?.length ?? 0} number(s)); ${incremental}` });
    const { display } = endpointOf(s.url);
    const message = `Connected to ${display} (${conn.security}) and ${s.bindDN ? `bound as "${s.bindDN}"` : 'bound anonymously'}; ${s.filter} finds entries under "${s.baseDN}", e.g. "${name}" (${entry.dn}); ${incremental}.`;
    return await finish({ ok: true, stage: null, message, sample: { dn: entry.dn, name, identity: mapped.identity, uid: mapped.uid } });
  } catch (err) {
    await conn.close();
    throw err;
  }
}
