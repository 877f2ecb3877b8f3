import type { CustomerAttributesUpdate, CustomerAttributeValue } from '@prex/protocol';

/**
 * A customer's custom attributes and which of them are verified. Pure: the rules of a merge, with
 * no database, so they read (and are tested) in one place.
 *
 * Verified means "signed by the host's server": the attributes claim of an identity JWT. Unsigned
 * attributes (the identify body's `attributes`, beside an HMAC or a JWT alike) are kept too, marked
 * unverified: an HMAC signs the user id only, so refusing them would leave HMAC sites with no
 * attributes at all, and staff are better served by "the page said plan: Pro (unverified)" than by
 * nothing. What protects the verified ones is that an unsigned value can never replace or remove
 * them; and a tenant that requires signed identities refuses unsigned attributes outright
 * (identity.ts).
 */
export interface StoredAttributes {
  values: Record<string, CustomerAttributeValue>;
  /** Keys of `values` that came from a signed token. */
  verified: string[];
}

export interface AttributeChanges {
  /** From the token's attributes claim: set, replace or (null) remove; the key becomes verified. */
  signed: CustomerAttributesUpdate;
  /** From the body: set, replace or (null) remove an unverified key. */
  unsigned: CustomerAttributesUpdate;
}

export type AttributeMerge = { ok: true; attributes: StoredAttributes } | { ok: false; key: string | null; problem: string };

/**
 * The attributes after a merge: keys sent replace, null removes, keys not sent stay. Refused as a
 * whole (nothing changes) when an unsigned value would change a verified key (stored, or signed in
 * this very request), or when more than `maxKeys` would be left.
 */
export function mergeAttributes(stored: StoredAttributes, changes: AttributeChanges, maxKeys: number): AttributeMerge {
  const verified = new Set(stored.verified);
  for (const [key, value] of Object.entries(changes.unsigned)) {
    const signedNow = Object.hasOwn(changes.signed, key);
    const current = signedNow ? changes.signed[key] : verified.has(key) ? stored.values[key] : undefined;
    if ((signedNow || verified.has(key)) && value !== current) {
      return { ok: false, key, problem: `attribute "${key}" is verified (signed in a token's attributes claim): an unsigned value cannot change it; change or remove it in the token` };
    }
  }
  const values: Record<string, CustomerAttributeValue> = { ...stored.values };
  applyChanges(values, changes.unsigned, (key) => !verified.has(key) && !Object.hasOwn(changes.signed, key));
  applyChanges(values, changes.signed, () => true);
  for (const [key, value] of Object.entries(changes.signed)) {
    if (value === null) verified.delete(key);
    else verified.add(key);
  }
  if (Object.keys(values).length > maxKeys) {
    return { ok: false, key: null, problem: `the customer would have more than ${maxKeys} attributes; remove some with null` };
  }
  return { ok: true, attributes: { values, verified: [...verified].filter((key) => Object.hasOwn(values, key)).sort() } };
}

function applyChanges(values: Record<string, CustomerAttributeValue>, changes: CustomerAttributesUpdate, applies: (key: string) => boolean): void {
  for (const [key, value] of Object.entries(changes)) {
    if (!applies(key)) continue;
    if (value === null) delete values[key];
    else values[key] = value;
  }
}

/** True when the request carries anything to merge. */
export const hasAttributeChanges = (changes: AttributeChanges): boolean => Object.keys(changes.signed).length + Object.keys(changes.unsigned).length > 0;
