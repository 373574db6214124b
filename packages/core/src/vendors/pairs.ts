import type { MikroORM } from '@mikro-orm/core';
import { actorKey, type Actor } from '../base/actor.js';
import { DialbookError } from '../base/errors.js';
import type { CredentialService } from '../credentials/service.js';
import { SecretBox } from '../base/secret-box.js';
import { VendorServicePairEntity, type VendorServicePair } from './entities.js';
import type { ConfigValues } from './protocol.js';

/** Among a pair's secrets: the key its service uses to fetch the phonebook. */
export const PAIR_KEY = '__pairKey';

export type PairEm = ReturnType<MikroORM['em']['fork']>;

/** A pair's configuration, decrypted: what the admin set (and, among the secrets, the {@link PAIR_KEY}). */
export interface StoredConfiguration {
  values: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/** Which pair, and the site of its phonebook. */
export interface PairRef {
  vendor: string;
  phonebookId: string;
  siteId: string;
}

/** What {@link PairStore.save} writes. */
export interface PairWrite extends PairRef {
  values: ConfigValues;
  secrets: ConfigValues;
  enabled: boolean;
}

/**
 * The stored (phonebook, vendor) pairs (`vendor_service_pair`): the configuration the admin gave
 * each (secret values encrypted with `DIALBOOK_SECRET_KEY`), the decision to serve it, and the
 * pair key its service fetches the phonebook with (a service credential, issued anew on every
 * configure and enable, revoked on disable). Survives restarts; the live state does not.
 */
export class PairStore {
  private readonly box: SecretBox;

  constructor(
    private readonly orm: MikroORM,
    private readonly credentials: CredentialService,
    secretKey: string | undefined,
  ) {
    this.box = new SecretBox(secretKey);
  }

  /** A fresh entity manager, for a read and the write that follows it. */
  em(): PairEm {
    return this.orm.em.fork();
  }

  find(vendor: string, phonebookId: string, em: PairEm = this.em()): Promise<VendorServicePair | null> {
    return em.findOne(VendorServicePairEntity, { vendor, phonebookId });
  }

  forPhonebook(phonebookId: string): Promise<VendorServicePair[]> {
    return this.em().find(VendorServicePairEntity, { phonebookId });
  }

  /** The enabled pairs of a vendor (of one phonebook, when given). */
  enabledOf(vendor: string, phonebookId: string | null): Promise<VendorServicePair[]> {
    return this.em().find(VendorServicePairEntity, { vendor, enabled: true, ...(phonebookId ? { phonebookId } : {}) });
  }

  async exists(vendor: string, phonebookId: string): Promise<boolean> {
    return (await this.em().count(VendorServicePairEntity, { vendor, phonebookId })) > 0;
  }

  /** The row's values and decrypted secrets (copies; empty for none). */
  read(row: VendorServicePair | null): StoredConfiguration {
    if (!row) return { values: {}, secrets: {} };
    return { values: { ...row.values }, secrets: row.secrets ? this.box.decrypt(row.secrets, { category: `vendor:${row.vendor}`, scope: row.phonebookId }) : {} };
  }

  /** Write the row; with `rotateKey`, issue a new pair key (the old one is revoked). */
  async save(em: PairEm, existing: VendorServicePair | null, next: PairWrite, actor: Actor, rotateKey: boolean): Promise<void> {
    const where = { category: `vendor:${next.vendor}`, scope: next.phonebookId };
    const secrets: Record<string, unknown> = { ...next.secrets };
    let credentialId = existing?.credentialId ?? null;
    if (rotateKey) {
      if (!this.box.configured) throw new DialbookError('DIALBOOK_SECRET_KEY_MISSING', 'remote vendor services need DIALBOOK_SECRET_KEY: core keeps their per-phonebook keys and secret settings encrypted', { status: 409 });
      const issued = await this.credentials.createServiceKey(existing ? existing.vendor : next.vendor, next.phonebookId, `${next.vendor} service`, actor);
      if (credentialId) await this.credentials.revoke(credentialId).catch(() => undefined);
      credentialId = issued.credential.id;
      secrets[PAIR_KEY] = issued.secret;
    }
    const data = {
      siteId: next.siteId,
      values: next.values,
      secrets: Object.keys(secrets).length ? this.box.encrypt(secrets, where) : null,
      enabled: next.enabled,
      credentialId,
      updatedAt: new Date(),
      updatedBy: actorKey(actor),
    };
    if (existing) Object.assign(existing, data);
    else em.create(VendorServicePairEntity, { vendor: next.vendor, phonebookId: next.phonebookId, ...data });
    await em.flush();
  }

  /** Serve the pair again with its stored configuration, under a new pair key. */
  async enable(em: PairEm, row: VendorServicePair, pair: PairRef, actor: Actor): Promise<void> {
    const stored = this.read(row);
    await this.save(em, row, { ...pair, values: stored.values as ConfigValues, secrets: stored.secrets as ConfigValues, enabled: true }, actor, true);
  }

  /** Stop serving the pair: its key revoked and forgotten, the rest of its configuration kept. */
  async disable(em: PairEm, row: VendorServicePair, pair: PairRef, actor: Actor): Promise<void> {
    if (row.credentialId) await this.credentials.revoke(row.credentialId).catch(() => undefined);
    const stored = this.read(row);
    delete stored.secrets[PAIR_KEY];
    await this.save(em, row, { ...pair, values: stored.values as ConfigValues, secrets: stored.secrets as ConfigValues, enabled: false }, actor, false);
    row.credentialId = null;
    await em.flush();
  }
}
