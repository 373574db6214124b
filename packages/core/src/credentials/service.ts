import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { MachineCredentialEntity, type MachineCredential } from './entities.js';
import { PhonebookEntity } from '../phonebooks/entities.js';
import { refId } from '../contacts/phones.js';
import { actorKey, type Actor } from '../base/actor.js';
import { DialbookError, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { allowedSites, assertSiteAccess } from '../base/access.js';
import { newSecret, safeEqual, tokenHash } from '../base/crypto.js';
import type { CredentialDto } from './types.js';

export type CredentialKind = 'phonebook' | 'service' | 'engine';

/** How long a verified machine credential is trusted without reading the database again. */
export const VERIFIED_TTL_MS = 30_000;
const VERIFIED_MAX = 10_000;

/** Each kind has its own prefix, so a secret is recognisably good for one purpose only. */
const PREFIX: Record<CredentialKind, string> = { phonebook: 'dbk_pb_', service: 'dbk_svc_', engine: 'dbk_eng_' };

export interface IssuedCredential {
  credential: CredentialDto;
  /** Shown once. For phonebooks also the basic-auth password and the URL token. */
  secret: string;
  username: string | null;
}

const dto = (c: MachineCredential): CredentialDto => ({
  id: c.id,
  kind: c.kind as CredentialKind,
  name: c.name,
  siteId: c.siteId ?? null,
  phonebookId: c.phonebookId ?? null,
  service: c.service ?? null,
  username: c.username ?? null,
  prefix: c.prefix,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
  lastUsedAt: c.lastUsedAt ? c.lastUsedAt.toISOString() : null,
  revoked: c.revokedAt != null,
});

/**
 * Credentials for machines: desk phones fetching one phonebook (HTTP basic with
 * user name and secret, or the secret as a token in the URL), remote vendor services,
 * and telephony engines. Stored as SHA-256 of the secret; revocable; none of them
 * is accepted by the REST API, and each `verify…` accepts only its own kind.
 */
export class CredentialService {
  /**
   * Verified credentials by secret hash, for `VERIFIED_TTL_MS`: a phone fetching every few
   * seconds (and thousands of phones) do not cost a database read each. `revoke` empties it and
   * emits `credential.revoked`, which the core relays to the other instances of a PostgreSQL
   * cluster (they empty theirs; after a lost relay connection `cluster.resync` does); only while
   * the relay is down may another instance accept a revoked secret, for at most the TTL.
   */
  private readonly verified = new Map<string, { c: MachineCredential; until: number }>();
  /**
   * Exact `Authorization` header values verified by {@link verifyPhonebookBasic}, for the same
   * TTL and emptied with `verified`: a phone's repeat fetch costs one map read (no base64,
   * no hash, no await). See {@link cachedPhonebookBasic}.
   */
  private readonly verifiedBasic = new Map<string, { c: MachineCredential; dto: CredentialDto; until: number }>();

  constructor(
    private readonly orm: MikroORM,
    private readonly hooks?: HookBus,
  ) {
    const forget = () => this.forgetVerified();
    hooks?.on('credential.revoked', forget, { owner: 'core', order: -1000 });
    hooks?.on('cluster.resync', forget, { owner: 'core', order: -1000 });
  }

  /** Empty the verification caches: the next use of every credential is checked in the database again. */
  forgetVerified(): void {
    this.verified.clear();
    this.verifiedBasic.clear();
  }

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  async createForPhonebook(phonebookId: string, name: string, actor: Actor): Promise<IssuedCredential> {
    const em = this.em();
    const pb = await em.findOne(PhonebookEntity, { id: phonebookId });
    if (!pb) throw notFound('phonebook', phonebookId);
    assertSiteAccess(refId(pb.site), 'phonebook', phonebookId);
    const username = `phone-${randomBytes(4).toString('hex')}`;
    return this.issue(em, 'phonebook', { name, siteId: refId(pb.site), phonebookId, username }, actor);
  }

  async createServiceKey(service: string, phonebookId: string | null, name: string, actor: Actor): Promise<IssuedCredential> {
    const em = this.em();
    let siteId: string | null = null;
    if (phonebookId) {
      const pb = await em.findOne(PhonebookEntity, { id: phonebookId });
      if (!pb) throw new DialbookError('DIALBOOK_PHONEBOOK_UNKNOWN', `phonebook ${phonebookId} does not exist`, { status: 422, field: 'phonebookId' });
      siteId = refId(pb.site);
    }
    return this.issue(em, 'service', { name, service, phonebookId, siteId }, actor);
  }

  async createEngineToken(name: string, actor: Actor): Promise<IssuedCredential> {
    return this.issue(this.em(), 'engine', { name }, actor);
  }

  /** Credentials visible to the current request (a user sees those of their sites' phonebooks). */
  async list(filter: { kind?: CredentialKind; phonebookId?: string } = {}): Promise<CredentialDto[]> {
    const where: Record<string, unknown> = {};
    if (filter.kind) where.kind = filter.kind;
    if (filter.phonebookId) where.phonebookId = filter.phonebookId;
    const sites = allowedSites();
    if (sites) where.siteId = { $in: [...sites] };
    return (await this.em().find(MachineCredentialEntity, where, { orderBy: { createdAt: 'desc' } })).map(dto);
  }

  async revoke(id: string): Promise<CredentialDto> {
    const em = this.em();
    const c = await em.findOne(MachineCredentialEntity, { id });
    if (!c) throw notFound('credential', id);
    if (c.siteId) assertSiteAccess(c.siteId, 'credential', id);
    else if (allowedSites()) throw notFound('credential', id);
    if (!c.revokedAt) {
      c.revokedAt = new Date();
      await em.flush();
    }
    this.forgetVerified();
    await this.hooks?.emit('credential.revoked', { id: c.id, kind: c.kind as CredentialKind });
    return dto(c);
  }

  /**
   * HTTP basic from a desk phone: good only for the phonebook it was made for. With
   * `header` (the exact `Authorization` value the user name and password came from), a
   * success is remembered for {@link cachedPhonebookBasic}.
   */
  async verifyPhonebookBasic(phonebookId: string, username: string, password: string, header?: string): Promise<CredentialDto | null> {
    const c = await this.lookup('phonebook', password);
    if (!c || c.phonebookId !== phonebookId || !c.username || !safeEqual(c.username, username)) return null;
    const out = await this.touch(c);
    if (header) {
      if (this.verifiedBasic.size >= VERIFIED_MAX) this.verifiedBasic.clear();
      this.verifiedBasic.set(header, { c, dto: out, until: Date.now() + VERIFIED_TTL_MS });
    }
    return out;
  }

  /**
   * The phonebook credential this exact `Authorization` header was verified for within
   * `VERIFIED_TTL_MS` (and whose last use is recorded less than a minute ago), synchronously;
   * `undefined` otherwise: then {@link verifyPhonebookBasic} decides (and records the use).
   * Revoking empties it, as it does the other verified credentials.
   */
  cachedPhonebookBasic(phonebookId: string, header: string): CredentialDto | undefined {
    const hit = this.verifiedBasic.get(header);
    if (!hit || hit.c.phonebookId !== phonebookId) return undefined;
    const now = Date.now();
    if (hit.until <= now || !hit.c.lastUsedAt || now - hit.c.lastUsedAt.getTime() > 60_000) return undefined;
    return hit.dto;
  }

  /** A token in the URL, for phones that cannot send credentials. */
  async verifyPhonebookToken(phonebookId: string, token: string): Promise<CredentialDto | null> {
    const c = await this.lookup('phonebook', token);
    if (!c || c.phonebookId !== phonebookId) return null;
    return this.touch(c);
  }

  /** A token in the URL that names no phonebook (`/directory/t/{token}/…`): the credential, whose `phonebookId` says which. */
  async resolvePhonebookToken(token: string): Promise<CredentialDto | null> {
    const c = await this.lookup('phonebook', token);
    return c?.phonebookId ? this.touch(c) : null;
  }

  async verifyServiceKey(key: string): Promise<CredentialDto | null> {
    const c = await this.lookup('service', key);
    return c ? this.touch(c) : null;
  }

  async verifyEngineToken(token: string): Promise<CredentialDto | null> {
    const c = await this.lookup('engine', token);
    return c ? this.touch(c) : null;
  }

  private async lookup(kind: CredentialKind, secret: string): Promise<MachineCredential | null> {
    if (!secret.startsWith(PREFIX[kind])) return null;
    const hash = tokenHash(secret);
    const now = Date.now();
    const hit = this.verified.get(hash);
    if (hit && hit.until > now && hit.c.kind === kind) return hit.c;
    const c = await this.em().findOne(MachineCredentialEntity, { secretHash: hash, kind });
    if (!c || c.revokedAt) return null;
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(hash, { c, until: now + VERIFIED_TTL_MS });
    return c;
  }

  private async touch(c: MachineCredential): Promise<CredentialDto> {
    const now = new Date();
    if (!c.lastUsedAt || now.getTime() - c.lastUsedAt.getTime() > 60_000) {
      await this.em().nativeUpdate(MachineCredentialEntity, { id: c.id }, { lastUsedAt: now });
      c.lastUsedAt = now;
    }
    return dto(c);
  }

  private async issue(
    em: EntityManager,
    kind: CredentialKind,
    fields: { name: string; siteId?: string | null; phonebookId?: string | null; service?: string | null; username?: string | null },
    actor: Actor,
  ): Promise<IssuedCredential> {
    const secret = newSecret(PREFIX[kind]);
    const row = em.create(MachineCredentialEntity, {
      id: randomUUID(),
      kind,
      name: fields.name,
      siteId: fields.siteId ?? null,
      phonebookId: fields.phonebookId ?? null,
      service: fields.service ?? null,
      username: fields.username ?? null,
      secretHash: tokenHash(secret),
      prefix: secret.slice(0, PREFIX[kind].length + 4),
      createdBy: actorKey(actor),
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    });
    await em.flush();
    return { credential: dto(row), secret, username: row.username ?? null };
  }
}
