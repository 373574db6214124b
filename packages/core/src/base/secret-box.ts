import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { DialbookError } from '../base/errors.js';

/** How the secret key is given and what happens without it; shown in every key error. */
export const SECRET_KEY_HINT = 'set DIALBOOK_SECRET_KEY to a random string of at least 32 characters (e.g. the output of `openssl rand -base64 32`)';
export const MIN_SECRET_KEY_LENGTH = 32;
const VERSION = 'v1';

/** Where a ciphertext belongs (bound in as associated data), and how errors name it (default: a settings category). */
export interface SecretPlace {
  category: string;
  scope: string;
  /** What the secrets are, in error messages: `the PIN of contact 42…`. */
  label?: string;
}

const named = (where: SecretPlace): string => where.label ?? `settings category "${where.category}" (${scopeLabel(where.scope)})`;

/**
 * Encrypts secrets at rest (settings, vendor-service keys, secret contact attributes): AES-256-GCM, a random 12-byte IV per write, the
 * category and scope bound in as associated data (a ciphertext copied to another row
 * does not decrypt). Stored as `v1.<iv>.<tag>.<ciphertext>`, each part base64.
 *
 * The 256-bit key is derived from `DIALBOOK_SECRET_KEY` (any string of at least 32
 * characters) with scrypt, lazily on first use. Errors name the category, never a value.
 */
export class SecretBox {
  private key: Buffer | undefined;

  constructor(private readonly passphrase: string | undefined) {
    if (passphrase !== undefined && passphrase.length < MIN_SECRET_KEY_LENGTH) {
      throw new DialbookError('DIALBOOK_SECRET_KEY_INVALID', `DIALBOOK_SECRET_KEY is too short (${passphrase.length} characters); ${SECRET_KEY_HINT}`, { field: 'DIALBOOK_SECRET_KEY' });
    }
  }

  get configured(): boolean {
    return this.passphrase !== undefined;
  }

  encrypt(plain: Record<string, unknown>, where: SecretPlace): string {
    const key = this.keyFor(where, 'save');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(where));
    const ct = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join('.');
  }

  decrypt(stored: string, where: SecretPlace): Record<string, unknown> {
    const key = this.keyFor(where, 'read');
    const [version, iv, tag, ct] = stored.split('.');
    if (version !== VERSION || !iv || !tag || ct === undefined) {
      throw new DialbookError('DIALBOOK_SECRET_FORMAT', `the stored secrets of ${named(where)} are not in a format this version reads (${String(version)})`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(aad(where));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
      return JSON.parse(plain) as Record<string, unknown>;
    } catch {
      throw new DialbookError(
        'DIALBOOK_SECRET_KEY_WRONG',
        `cannot decrypt the secrets of ${named(where)}: DIALBOOK_SECRET_KEY is not the key they were saved with; ${where.label ? 'set that key again' : 'set that key again, or enter every secret of the category anew'}`,
        { status: 500, details: { category: where.category } },
      );
    }
  }

  private keyFor(where: SecretPlace, doing: 'read' | 'save'): Buffer {
    if (this.passphrase === undefined) {
      const what = doing === 'read' ? `${named(where)} holds encrypted secrets, but no key is set` : `cannot save a secret of ${named(where)} without a key`;
      throw new DialbookError('DIALBOOK_SECRET_KEY_MISSING', `${what}: ${SECRET_KEY_HINT}`, { status: 500, details: { category: where.category } });
    }
    this.key ??= scryptSync(this.passphrase, 'dialbook:settings:v1', 32, { N: 2 ** 14, r: 8, p: 1 });
    return this.key;
  }
}

const aad = (where: SecretPlace) => Buffer.from(`${where.category}\u0000${where.scope}`, 'utf8');
export const scopeLabel = (scope: string): string => (scope === 'global' ? 'global' : `site ${scope}`);
