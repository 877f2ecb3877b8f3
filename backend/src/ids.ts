import { randomBytes } from 'node:crypto';

/**
 * A prefixed random id such as `ten_3q2…` or `doc_Xk9…`: 128 random bits in base64url, so ids are
 * unguessable, URL-safe and never contain '.', the separator of session tokens.
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
