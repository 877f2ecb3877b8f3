import type { AdminCustomer, Customer } from '@prex/protocol';
import type { CustomerProfile } from './profile.js';

/** The customer as they see themselves (no tenant notes). */
export function toWireCustomer(p: CustomerProfile): Customer {
  return {
    id: p.id,
    email: p.email,
    emailVerified: p.emailVerifiedAt !== null,
    phone: p.phone,
    externalId: p.externalId,
    name: p.name,
    preferences: p.preferences as Customer['preferences'],
    interests: p.interests,
    // The visitor's own: the host page gave them to the browser (or inside a token it can read) anyway.
    attributes: p.attributes,
    verifiedAttributes: p.verifiedAttributes,
    createdAt: p.createdAt.toISOString(),
  };
}

export function toAdminCustomer(p: CustomerProfile, sessionCount: number): AdminCustomer {
  return { ...toWireCustomer(p), notes: p.notes, attributes: p.attributes, verifiedAttributes: p.verifiedAttributes, sessionCount };
}
