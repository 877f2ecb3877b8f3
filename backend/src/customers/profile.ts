import type { CustomerAttributeValue } from '@prex/protocol';

/** What Prex knows of a verified customer (per tenant). */
export interface CustomerProfile {
  id: string;
  tenantId: string;
  email: string | null;
  externalId: string | null;
  name: string | null;
  preferences: Record<string, unknown>;
  interests: string[];
  notes: string;
  emailVerifiedAt: Date | null;
  /** E.164, set once proved by an SMS code. */
  phone: string | null;
  /** What the host page said about its user with identify (plan, company…). */
  attributes: Record<string, CustomerAttributeValue>;
  /** The keys of `attributes` the host's server signed (a JWT's attributes claim); the others are unverified. */
  verifiedAttributes: string[];
  createdAt: Date;
}

/** How far up the identity ladder a session is. */
export type IdentityLevel = 'anonymous' | 'host' | 'phone' | 'email';
