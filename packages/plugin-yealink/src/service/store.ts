import { createHash } from 'node:crypto';
import type { DirectoryInput } from '@dialbook/core';
import { renderYealink } from '../render/index.js';

/** What core sent for one phonebook: its configuration, the pair key, and the latest data. */
export interface HeldPhonebook {
  phonebookId: string;
  configuration: Record<string, string | number | boolean>;
  /** The pair key, for `phonebook.request`. */
  key: string;
  enabled: boolean;
  input: DirectoryInput | null;
  revision: string | null;
  receivedAt: Date | null;
}

export interface RenderedEntry {
  body: Uint8Array;
  contentType: string;
  etag: string;
}

const encoder = new TextEncoder();
const etagOf = (body: Uint8Array): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

/**
 * The phonebooks this service holds, in memory: set by core's `configure` frames, filled by
 * its `phonebook.update` frames, and kept while core is away so phones are still served.
 * Rendered bytes are cached per (phonebook, variant) until the next update; searches are not.
 */
export class PhonebookStore {
  private readonly books = new Map<string, HeldPhonebook>();
  private readonly cache = new Map<string, RenderedEntry>();

  get(phonebookId: string): HeldPhonebook | undefined {
    return this.books.get(phonebookId);
  }

  list(): HeldPhonebook[] {
    return [...this.books.values()];
  }

  configure(phonebookId: string, configuration: HeldPhonebook['configuration'], key: string, enabled: boolean): HeldPhonebook {
    const held = this.books.get(phonebookId) ?? { phonebookId, configuration, key, enabled, input: null, revision: null, receivedAt: null };
    Object.assign(held, { configuration, key, enabled });
    this.books.set(phonebookId, held);
    this.drop(phonebookId);
    return held;
  }

  setEnabled(phonebookId: string, enabled: boolean): HeldPhonebook | undefined {
    const held = this.books.get(phonebookId);
    if (!held) return undefined;
    held.enabled = enabled;
    if (!enabled) {
      held.input = null; // a disabled phonebook is not kept
      held.revision = null;
      held.key = '';
    }
    this.drop(phonebookId);
    return held;
  }

  /** New data for a phonebook; ignored when it is the revision already held. */
  update(phonebookId: string, revision: string, input: DirectoryInput): boolean {
    const held = this.books.get(phonebookId);
    if (!held || !held.enabled) return false;
    if (held.revision === revision && held.input) return false;
    held.input = input;
    held.revision = revision;
    held.receivedAt = new Date();
    this.drop(phonebookId);
    return true;
  }

  /** Render with the same code core uses in-process; cached unless it is a search. */
  render(phonebookId: string, variant: string, query: Record<string, string>): RenderedEntry | null {
    const held = this.books.get(phonebookId);
    if (!held?.enabled || !held.input) return null;
    const search = !!query.q?.trim();
    const key = `${phonebookId}\u0000${variant}`;
    if (!search) {
      const hit = this.cache.get(key);
      if (hit) return hit;
    }
    const out = renderYealink({ ...held.input, variant, params: search ? { q: query.q! } : {} });
    const body = typeof out.body === 'string' ? encoder.encode(out.body) : out.body;
    const entry = { body, contentType: out.contentType, etag: etagOf(body) };
    if (!search) this.cache.set(key, entry);
    return entry;
  }

  private drop(phonebookId: string): void {
    for (const k of this.cache.keys()) if (k.startsWith(`${phonebookId}\u0000`)) this.cache.delete(k);
  }
}
