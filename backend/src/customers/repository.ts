import type { CustomerAttributeValue } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import { sessionCustomerId } from '../conversations/session-identity.js';
import type { StoredAttributes } from './attributes.js';
import type { CustomerProfile } from './profile.js';

interface CustomerRow {
  id: string;
  tenant_id: string;
  email: string | null;
  external_id: string | null;
  name: string | null;
  preferences: Record<string, unknown>;
  interests: string[];
  notes: string;
  email_verified_at: Date | null;
  phone: string | null;
  attributes: Record<string, CustomerAttributeValue> | null;
  verified_attribute_keys: string[] | null;
  created_at: Date;
}

const COLUMNS =
  'c.id, c.tenant_id, c.email, c.external_id, c.name, c.preferences, c.interests, c.notes, c.email_verified_at, c.phone, c.attributes, c.verified_attribute_keys, c.created_at';

function toProfile(r: CustomerRow): CustomerProfile {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    email: r.email,
    externalId: r.external_id,
    name: r.name,
    preferences: r.preferences ?? {},
    interests: r.interests ?? [],
    notes: r.notes,
    emailVerifiedAt: r.email_verified_at,
    phone: r.phone,
    attributes: r.attributes ?? {},
    verifiedAttributes: r.verified_attribute_keys ?? [],
    createdAt: r.created_at,
  };
}

/** The customer a session is linked to (host-signed or email-verified), or null for an anonymous one. */
export async function customerOfSession(db: Db, tenantId: string, sessionId: string): Promise<CustomerProfile | null> {
  const customerId = await sessionCustomerId(db, tenantId, sessionId);
  return customerId === null ? null : findCustomer(db, tenantId, customerId);
}

export async function findCustomer(db: Db, tenantId: string, customerId: string): Promise<CustomerProfile | null> {
  const rows = await db.query<CustomerRow>(`select ${COLUMNS} from customers c where c.tenant_id = $1 and c.id = $2`, [tenantId, customerId]);
  return rows[0] ? toProfile(rows[0]) : null;
}

export async function findCustomerByEmail(db: Db, tenantId: string, email: string): Promise<CustomerProfile | null> {
  const rows = await db.query<CustomerRow>(`select ${COLUMNS} from customers c where c.tenant_id = $1 and c.email = $2`, [tenantId, email]);
  return rows[0] ? toProfile(rows[0]) : null;
}

/**
 * The customer the host site knows as `externalId`, created on first use. A name or email the host
 * asserts fills empty fields only: it never overwrites what the customer verified or edited.
 */
export async function upsertHostCustomer(
  db: Db,
  tenantId: string,
  identity: { externalId: string; email: string | null; name: string | null },
): Promise<CustomerProfile> {
  const rows = await db.query<CustomerRow>(
    `insert into customers as c (id, tenant_id, external_id, email, name)
     values ($1, $2, $3, $4, $5)
     on conflict (tenant_id, external_id) do update
        set name = coalesce(c.name, excluded.name), updated_at = now()
     returning ${COLUMNS}`,
    [newId('cus'), tenantId, identity.externalId, null, identity.name],
  );
  const customer = toProfile(rows[0]!);
  return identity.email && !customer.email ? await assertHostEmail(db, customer, identity.email) : customer;
}

/**
 * Records an email the host asserted (not verified by Prex) when no other customer of the tenant
 * holds it; otherwise the email is left off rather than merging two people.
 */
async function assertHostEmail(db: Db, customer: CustomerProfile, email: string): Promise<CustomerProfile> {
  const rows = await db.query<CustomerRow>(
    `update customers c set email = $3, updated_at = now()
      where c.tenant_id = $1 and c.id = $2 and c.email is null
        and not exists (select 1 from customers o where o.tenant_id = $1 and o.email = $3)
     returning ${COLUMNS}`,
    [customer.tenantId, customer.id, email],
  );
  return rows[0] ? toProfile(rows[0]) : customer;
}

/** The customer with this verified email, created on first verification. */
export async function upsertVerifiedCustomer(db: Db, tenantId: string, email: string, now: Date): Promise<CustomerProfile> {
  const rows = await db.query<CustomerRow>(
    `insert into customers as c (id, tenant_id, email, email_verified_at) values ($1, $2, $3, $4)
     on conflict (tenant_id, email) do update
        set email_verified_at = coalesce(c.email_verified_at, excluded.email_verified_at), updated_at = now()
     returning ${COLUMNS}`,
    [newId('cus'), tenantId, email, now],
  );
  return toProfile(rows[0]!);
}

/**
 * Gives a customer without an email (a host-signed one) the email the session just verified.
 * Returns null when another customer of the tenant already holds it.
 */
export async function setVerifiedEmail(db: Db, customer: CustomerProfile, email: string, now: Date): Promise<CustomerProfile | null> {
  const rows = await db.query<CustomerRow>(
    `update customers c set email = $3, email_verified_at = $4, updated_at = now()
      where c.tenant_id = $1 and c.id = $2 and (c.email is null or c.email = $3)
        and not exists (select 1 from customers o where o.tenant_id = $1 and o.email = $3 and o.id <> $2)
     returning ${COLUMNS}`,
    [customer.tenantId, customer.id, email, now],
  );
  return rows[0] ? toProfile(rows[0]) : null;
}

/** The customer who proved this phone with an SMS code, or null. */
export async function findCustomerByPhone(db: Db, tenantId: string, phone: string): Promise<CustomerProfile | null> {
  const rows = await db.query<CustomerRow>(`select ${COLUMNS} from customers c where c.tenant_id = $1 and c.phone = $2`, [tenantId, phone]);
  return rows[0] ? toProfile(rows[0]) : null;
}

/** The customer with this verified phone, created on first verification. */
export async function upsertPhoneCustomer(db: Db, tenantId: string, phone: string, now: Date): Promise<CustomerProfile> {
  const rows = await db.query<CustomerRow>(
    `insert into customers as c (id, tenant_id, phone, phone_verified_at) values ($1, $2, $3, $4)
     on conflict (tenant_id, phone) do update set updated_at = now()
     returning ${COLUMNS}`,
    [newId('cus'), tenantId, phone, now],
  );
  return toProfile(rows[0]!);
}

/**
 * Gives the session's customer the phone it just proved. Returns null when the customer has another
 * phone, or another customer of the tenant already holds this one (two people are never merged).
 */
export async function setVerifiedPhone(db: Db, customer: CustomerProfile, phone: string, now: Date): Promise<CustomerProfile | null> {
  const rows = await db.query<CustomerRow>(
    `update customers c set phone = $3, phone_verified_at = coalesce(c.phone_verified_at, $4), updated_at = now()
      where c.tenant_id = $1 and c.id = $2 and (c.phone is null or c.phone = $3)
        and not exists (select 1 from customers o where o.tenant_id = $1 and o.phone = $3 and o.id <> $2)
     returning ${COLUMNS}`,
    [customer.tenantId, customer.id, phone, now],
  );
  return rows[0] ? toProfile(rows[0]) : null;
}

export interface ProfileChanges {
  name?: string | null | undefined;
  preferences?: Record<string, unknown> | undefined;
  interests?: string[] | undefined;
  notes?: string | undefined;
}

/** Applies the fields present in `changes`; absent fields are kept. */
export async function updateProfile(db: Db, tenantId: string, customerId: string, changes: ProfileChanges): Promise<CustomerProfile | null> {
  const rows = await db.query<CustomerRow>(
    `update customers c set
        name = case when $3::boolean then $4 else c.name end,
        preferences = coalesce($5::jsonb, c.preferences),
        interests = coalesce($6::text[], c.interests),
        notes = coalesce($7, c.notes),
        updated_at = now()
      where c.tenant_id = $1 and c.id = $2
     returning ${COLUMNS}`,
    [
      tenantId,
      customerId,
      changes.name !== undefined,
      changes.name ?? null,
      changes.preferences === undefined ? null : JSON.stringify(changes.preferences),
      changes.interests ?? null,
      changes.notes ?? null,
    ],
  );
  return rows[0] ? toProfile(rows[0]) : null;
}

/**
 * Frees an email the host only asserted (never verified) for a customer other than `keepFor`, so
 * the person who proves they own the mailbox gets it; an assertion never outranks a proof.
 */
export async function releaseAssertedEmail(db: Db, tenantId: string, email: string, keepFor: string | null): Promise<void> {
  await db.query(
    `update customers set email = null, updated_at = now()
      where tenant_id = $1 and email = $2 and email_verified_at is null and ($3::text is null or id <> $3)`,
    [tenantId, email, keepFor],
  );
}

/** Gives a customer the host's user id, unless another customer of the tenant already has it. */
export async function setExternalId(db: Db, customer: CustomerProfile, externalId: string): Promise<CustomerProfile | null> {
  const rows = await db.query<CustomerRow>(
    `update customers c set external_id = $3, updated_at = now()
      where c.tenant_id = $1 and c.id = $2 and c.external_id is null
        and not exists (select 1 from customers o where o.tenant_id = $1 and o.external_id = $3)
     returning ${COLUMNS}`,
    [customer.tenantId, customer.id, externalId],
  );
  return rows[0] ? toProfile(rows[0]) : null;
}

/** The tenant's customers, most recently updated first. */
export async function listCustomers(db: Db, tenantId: string, limit = 100): Promise<CustomerProfile[]> {
  const rows = await db.query<CustomerRow>(`select ${COLUMNS} from customers c where c.tenant_id = $1 order by c.updated_at desc limit $2`, [tenantId, limit]);
  return rows.map(toProfile);
}

/**
 * The customer, its row locked until the transaction ends: an attribute merge reads, decides and
 * writes, and two devices identifying the same user at once must not lose each other's keys.
 */
export async function lockCustomer(tx: Db, tenantId: string, customerId: string): Promise<CustomerProfile | null> {
  const rows = await tx.query<CustomerRow>(`select ${COLUMNS} from customers c where c.tenant_id = $1 and c.id = $2 for update`, [tenantId, customerId]);
  return rows[0] ? toProfile(rows[0]) : null;
}

/** Stores the attributes a merge decided (customers/attributes.ts): the values and which keys are verified. */
export async function saveAttributes(db: Db, customer: CustomerProfile, attributes: StoredAttributes): Promise<CustomerProfile> {
  const rows = await db.query<CustomerRow>(
    `update customers c set attributes = $3::jsonb, verified_attribute_keys = $4::text[], updated_at = now()
      where c.tenant_id = $1 and c.id = $2
     returning ${COLUMNS}`,
    [customer.tenantId, customer.id, JSON.stringify(attributes.values), attributes.verified],
  );
  return toProfile(rows[0]!);
}
