import type { Db } from '../db/db.js';
import { CUSTOMER_ATTRIBUTES } from '@prex/protocol';
import { badRequest, conflict } from '../http/errors.js';
import { hasAttributeChanges, mergeAttributes, type AttributeChanges } from './attributes.js';
import type { CustomerProfile } from './profile.js';
import {
  customerOfSession,
  releaseAssertedEmail,
  setExternalId,
  findCustomerByPhone,
  lockCustomer,
  setVerifiedEmail,
  setVerifiedPhone,
  upsertHostCustomer,
  upsertPhoneCustomer,
  upsertVerifiedCustomer,
  saveAttributes,
} from './repository.js';
import type { HostIdentity } from './host-signature.js';
import { identityLevelOf, linkSession } from '../conversations/session-identity.js';

const otherCustomer = () =>
  conflict('This conversation already belongs to another customer: start a new conversation (POST /v1/sessions) to sign in as someone else');

/**
 * Links the session to the customer whose email it just proved. Never merges two customers: a
 * session already linked to someone else is refused (409). An email the host only asserted for
 * another customer gives way to the person who proved they own the mailbox.
 */
export async function linkVerifiedEmail(db: Db, scope: { tenantId: string; sessionId: string }, email: string, now: Date): Promise<CustomerProfile> {
  return db.transaction(async (tx) => {
    const current = await customerOfSession(tx, scope.tenantId, scope.sessionId);
    let customer: CustomerProfile | null;
    if (current) {
      customer = current.email === null || current.email === email ? await claimEmail(tx, current, email, now) : null;
    } else {
      await releaseAssertedEmail(tx, scope.tenantId, email, null);
      customer = await upsertVerifiedCustomer(tx, scope.tenantId, email, now);
    }
    if (!customer) throw otherCustomer();
    await linkSession(tx, scope.tenantId, scope.sessionId, customer.id, 'email');
    return customer;
  });
}

async function claimEmail(tx: Db, current: CustomerProfile, email: string, now: Date): Promise<CustomerProfile | null> {
  await releaseAssertedEmail(tx, current.tenantId, email, current.id);
  return setVerifiedEmail(tx, current, email, now);
}

/**
 * Links the session to the customer whose phone it just proved by SMS, as linkVerifiedEmail does for
 * a mailbox: the session's own customer takes the phone, an anonymous session joins (or creates) the
 * customer holding it, and two customers are never merged (409). An email-verified session stays at
 * 'email'; anything lower rises to 'phone'.
 */
export async function linkVerifiedPhone(db: Db, scope: { tenantId: string; sessionId: string }, phone: string, now: Date): Promise<CustomerProfile> {
  return db.transaction(async (tx) => {
    const current = await customerOfSession(tx, scope.tenantId, scope.sessionId);
    const customer = current ? await setVerifiedPhone(tx, current, phone, now) : await upsertPhoneCustomer(tx, scope.tenantId, phone, now);
    if (!customer) throw otherCustomer();
    await linkSession(tx, scope.tenantId, scope.sessionId, customer.id, await raisedTo(tx, scope, 'phone'));
    return customer;
  });
}

/**
 * Links a session that speaks from `phone` (an SMS conversation) to the customer who verified that
 * phone, when the session belongs to no one yet. Returns the customer it now belongs to, if any.
 */
export async function linkPhoneSession(db: Db, scope: { tenantId: string; sessionId: string }, phone: string): Promise<CustomerProfile | null> {
  return db.transaction(async (tx) => {
    const current = await customerOfSession(tx, scope.tenantId, scope.sessionId);
    if (current) return current;
    const owner = await findCustomerByPhone(tx, scope.tenantId, phone);
    if (owner) await linkSession(tx, scope.tenantId, scope.sessionId, owner.id, 'phone');
    return owner;
  });
}

/** The ladder only goes up: a session at 'email' keeps it when it proves something weaker. */
async function raisedTo(db: Db, scope: { tenantId: string; sessionId: string }, level: 'host' | 'phone'): Promise<'host' | 'phone' | 'email'> {
  const now = await identityLevelOf(db, scope.tenantId, scope.sessionId);
  if (now === 'email') return 'email';
  return now === 'phone' && level === 'host' ? 'phone' : level;
}

/**
 * Links the session to the host site's user. A session already linked to another customer is
 * refused (409), except an email-verified customer the host has not named yet, who takes the id.
 */
export async function linkHostIdentity(
  db: Db,
  scope: { tenantId: string; sessionId: string },
  identity: HostIdentity,
  attributes: AttributeChanges = { signed: {}, unsigned: {} },
): Promise<CustomerProfile> {
  return db.transaction(async (tx) => {
    const current = await customerOfSession(tx, scope.tenantId, scope.sessionId);
    const customer = current ? await adoptHostId(tx, current, identity) : await upsertHostCustomer(tx, scope.tenantId, { externalId: identity.userId, email: identity.email, name: identity.name });
    if (!customer) throw otherCustomer();
    // A verified session stays where it is: the host's word adds to it, it does not lower it.
    await linkSession(tx, scope.tenantId, scope.sessionId, customer.id, await raisedTo(tx, scope, 'host'));
    return hasAttributeChanges(attributes) ? await withAttributes(tx, customer, attributes) : customer;
  });
}

/** The customer with the host's attributes merged in; a 400 (nothing kept, no link) when the merge is refused. */
async function withAttributes(tx: Db, customer: CustomerProfile, changes: AttributeChanges): Promise<CustomerProfile> {
  const locked = (await lockCustomer(tx, customer.tenantId, customer.id)) ?? customer;
  const merge = mergeAttributes({ values: locked.attributes, verified: locked.verifiedAttributes }, changes, CUSTOMER_ATTRIBUTES.maxKeys);
  if (merge.ok) return saveAttributes(tx, locked, merge.attributes);
  const path = merge.key === null ? 'attributes' : `attributes.${merge.key}`;
  throw badRequest(`Invalid identity: attributes: ${merge.problem}`, [{ path, message: merge.problem }]);
}

async function adoptHostId(tx: Db, current: CustomerProfile, identity: HostIdentity): Promise<CustomerProfile | null> {
  if (current.externalId === identity.userId) return current;
  if (current.externalId !== null) return null;
  return setExternalId(tx, current, identity.userId);
}
