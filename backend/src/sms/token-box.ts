import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { HttpError } from '../http/errors.js';

/**
 * How a tenant's Twilio auth token is kept in sms_settings, one of:
 * - `sealed:v1:<iv>.<tag>.<ciphertext>` (base64url): AES-256-GCM under the server's
 *   PREX_SECRETS_KEY, so a copy of the database alone does not give the token away;
 * - `env:PREX_TWILIO_TOKEN_<NAME>`: a reference to a variable of the server's environment, for
 *   operators who keep secrets outside the database (only that prefix: a tenant must not name
 *   the server's own secrets);
 * - the token as given, when the server has no PREX_SECRETS_KEY (as before sealing existed).
 * Node's crypto does the work; this module only chooses the format.
 */

const SEALED = 'sealed:v1:';
const ENV_REFERENCE = /^env:(PREX_TWILIO_TOKEN_[A-Z0-9_]{1,64})$/;
const IV_BYTES = 12;

export interface TokenBox {
  /** What to store for a token (or reference) the tenant gave. */
  seal(given: string): string;
  /** The token itself, for Twilio; a 503 that says why when it cannot be read. */
  open(stored: string): string;
  /** What a browser may see of it: an env reference as is, else the token's last four characters. */
  hint(stored: string): string;
}

/** An env reference the tenant gave that names no variable of this server: a 400 before anything is saved. */
export function missingReference(given: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = ENV_REFERENCE.exec(given)?.[1];
  return name && !env[name] ? name : undefined;
}

export function createTokenBox(key: Buffer | undefined, env: NodeJS.ProcessEnv = process.env): TokenBox {
  const unreadable = (why: string) => new HttpError(503, 'sms_unavailable', `The SMS number's auth token cannot be read: ${why}`);
  const box: TokenBox = {
    seal(given) {
      if (ENV_REFERENCE.test(given) || !key) return given;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(given, 'utf8'), cipher.final()]);
      return `${SEALED}${[iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.')}`;
    },
    open(stored) {
      const name = ENV_REFERENCE.exec(stored)?.[1];
      if (name) {
        const value = env[name];
        if (!value) throw unreadable(`${name} is not set on the server`);
        return value;
      }
      if (!stored.startsWith(SEALED)) return stored;
      if (!key) throw unreadable('it is sealed and PREX_SECRETS_KEY is not set');
      const [iv, tag, sealed] = stored.slice(SEALED.length).split('.').map((part) => Buffer.from(part, 'base64url'));
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv!);
        decipher.setAuthTag(tag!);
        return Buffer.concat([decipher.update(sealed!), decipher.final()]).toString('utf8');
      } catch {
        throw unreadable('it was sealed with another PREX_SECRETS_KEY');
      }
    },
    hint(stored) {
      if (ENV_REFERENCE.test(stored)) return stored;
      try {
        return `${'•'.repeat(8)}${box.open(stored).slice(-4)}`;
      } catch {
        return 'sealed (unreadable with this server’s PREX_SECRETS_KEY)';
      }
    },
  };
  return box;
}
