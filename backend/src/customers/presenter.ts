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
    createdAt: p.createdAt.toISOString(),
  };
}

export function toAdminCustomer(p: CustomerProfile, sessionCount: number): AdminCustomer {
  return { ...toWireCustomer(p), notes: p.notes, attributes: p.attributes, sessionCount };
}
