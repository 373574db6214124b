import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { notFound, conflict } from '../base/errors.js';
import type { SecretBox } from '../base/secret-box.js';
import type { HookBus } from '../hooks/bus.js';
import { RoutingClientEntity, RoutingLinkEntity, type RoutingClientRow, type SipConnection } from './entities.js';
import type { RoutingClient } from './model.js';
import type { ClientChange } from './events.js';
import './events.js';
import type { ClientCreate, ClientDto, ClientUpdate } from './types.js';

/** Where a client's SIP password ciphertext belongs (bound into it: copied to another row it does not decrypt). */
const place = (id: string) => ({ category: 'routing.client', scope: id, label: `the SIP password of routing client ${id}` });

/** A stored client as the API shows it: the SIP password only as `hasPassword`. */
export const clientDto = (r: RoutingClientRow): ClientDto => ({
  id: r.id,
  name: r.name,
  timeZone: r.timeZone,
  enabled: r.enabled,
  sip: { ...r.sip, hasPassword: r.sipPassword != null },
  concurrencyCap: r.concurrencyCap ?? null,
  caps: r.caps,
  hours: r.hours ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** A stored client as the decision reads it. */
export const clientModel = (r: RoutingClientRow): RoutingClient => ({ id: r.id, name: r.name, timeZone: r.timeZone, enabled: r.enabled, concurrencyCap: r.concurrencyCap ?? null, caps: r.caps, hours: r.hours ?? null });

/** An enabled client's SIP trunk as a telephony plugin provisions it: the password in clear. */
export interface Trunk {
  clientId: string;
  name: string;
  sip: SipConnection;
  /** The SIP password in clear (null: none). Only for plugins in this process; never in a response, log or audit. */
  password: string | null;
  updatedAt: string;
}

/**
 * Clients (call centres that buy calls), administered by admin and staff: SIP connection data
 * (its password encrypted at rest with `DIALBOOK_SECRET_KEY` and never returned), client caps and
 * hours that apply across all their links.
 */
export class ClientService {
  constructor(
    private readonly orm: MikroORM,
    private readonly box: SecretBox,
    /** Where `routing.client.changed` goes (none: not emitted). */
    private readonly hooks?: HookBus,
  ) {}

  async list(): Promise<ClientDto[]> {
    const rows = await this.orm.em.fork().find(RoutingClientEntity, {}, { orderBy: { name: 'asc', id: 'asc' } });
    return rows.map(clientDto);
  }

  async get(id: string): Promise<ClientDto> {
    return clientDto(await this.row(id));
  }

  async create(input: ClientCreate): Promise<ClientDto> {
    const em = this.orm.em.fork();
    const id = randomUUID();
    const { password, ...sip } = input.sip;
    const now = new Date();
    const row = em.create(RoutingClientEntity, {
      id, name: input.name, timeZone: input.timeZone, enabled: input.enabled, sip: sip as SipConnection,
      sipPassword: password ? this.box.encrypt({ password }, place(id)) : null,
      concurrencyCap: input.concurrencyCap, caps: input.caps, hours: input.hours, createdAt: now, updatedAt: now,
    });
    await em.flush();
    await this.changed(id, 'created');
    return clientDto(row);
  }

  async update(id: string, input: ClientUpdate): Promise<ClientDto> {
    const em = this.orm.em.fork();
    const row = await this.row(id, em);
    const { sip, ...rest } = input;
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) (row as Record<string, unknown>)[k] = v;
    if (sip) {
      const { password, ...fields } = sip;
      row.sip = { ...row.sip, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
      if (password !== undefined) row.sipPassword = password ? this.box.encrypt({ password }, place(id)) : null;
    }
    row.updatedAt = new Date();
    await em.flush();
    await this.changed(id, input.enabled === false ? 'disabled' : 'updated');
    return clientDto(row);
  }

  /** Delete a client no campaign links to (409 `DIALBOOK_ROUTING_CLIENT_IN_USE` otherwise). */
  async remove(id: string): Promise<void> {
    const em = this.orm.em.fork();
    const row = await this.row(id, em);
    const links = await em.count(RoutingLinkEntity, { clientId: id });
    if (links) throw conflict('DIALBOOK_ROUTING_CLIENT_IN_USE', `client ${id} is linked to ${links} campaign(s); remove those links first`);
    em.remove(row);
    await em.flush();
    await this.changed(id, 'deleted');
  }

  /** The client's SIP password in clear, for the telephony engine (never for the API). */
  async sipPassword(id: string): Promise<string | null> {
    const row = await this.row(id);
    return row.sipPassword ? String(this.box.decrypt(row.sipPassword, place(id)).password) : null;
  }

  /**
   * The enabled clients' SIP connection data with the password decrypted, for telephony plugins
   * in this process (`ctx.routing.trunks()`) that provision trunks (Asterisk's PJSIP realtime
   * rows). Never offered over HTTP.
   */
  async trunks(): Promise<Trunk[]> {
    const rows = await this.orm.em.fork().find(RoutingClientEntity, { enabled: true }, { orderBy: { id: 'asc' } });
    return rows.map((r) => ({
      clientId: r.id,
      name: r.name,
      sip: { ...r.sip },
      password: r.sipPassword ? String(this.box.decrypt(r.sipPassword, place(r.id)).password) : null,
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  private async changed(clientId: string, change: ClientChange): Promise<void> {
    await this.hooks?.emit('routing.changed', { kind: 'client', id: clientId });
    await this.hooks?.emit('routing.client.changed', { clientId, change });
  }

  private async row(id: string, em = this.orm.em.fork()): Promise<RoutingClientRow> {
    const row = await em.findOne(RoutingClientEntity, { id });
    if (!row) throw notFound('routing client', id);
    return row;
  }
}
