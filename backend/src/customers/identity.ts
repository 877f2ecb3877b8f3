import type { Request } from 'express';
import {
  customerAttributesUpdateSchema,
  customerEmailSchema,
  identityRequestSchema,
  ROUTES,
  type CustomerAttributesUpdate,
  type CustomerMeResponse,
  type IdentityRequest,
} from '@prex/protocol';
import type { Db } from '../db/db.js';
import { sessionOf } from '../auth/context.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { recordAuthEvent } from '../auth/events.js';
import { clockOf, type CustomersDeps } from './deps.js';
import type { AttributeChanges } from './attributes.js';
import { invalidSignature, signatureRequired, unsignedAttributesRefused } from './errors.js';
import { verifyIdentityToken, verifyUserIdSignature, type SignatureCheck } from './host-signature.js';
import { linkHostIdentity } from './link.js';
import { toWireCustomer } from './presenter.js';
import { identityLevelOf } from '../conversations/session-identity.js';
import { customerSettings, identitySecret } from './settings.js';

/**
 * POST /v1/identity: the host site says who the visitor is, signed on its server with the tenant's
 * identity secret (an HMAC of the user id, or an HS256 JWT). A valid signature links the session to
 * that customer (level 'host'). An unsigned identity is never linked to anyone: refused when the
 * tenant requires signing, otherwise acknowledged and ignored (the session stays anonymous).
 * Attributes (plan, company…) are kept only with an accepted identity, on the customer it names:
 * those in the JWT's `attributes` claim as verified, those in the body as unverified (attributes.ts
 * says why they are kept rather than refused), unless the tenant requires signed identities, which
 * refuses unsigned attributes the way it refuses unsigned identities. HMAC and JWT are treated
 * alike: the body's attributes are unsigned beside either.
 */
export function addIdentityRoutes(routes: RouteGroup, deps: CustomersDeps): void {
  const { db, config } = deps;
  const now = clockOf(deps);

  routes.post(ROUTES.identity, async (req, res) => {
    const body = parseJsonBody(identityRequestSchema, req, 'identity');
    const { tenantId, sessionId } = sessionOf(res);
    if (!body.signature && !body.token) {
      await refuseUnsigned(db, tenantId, req);
      const out: CustomerMeResponse = { level: await identityLevelOf(db, tenantId, sessionId), customer: null };
      res.json(out);
      return;
    }
    const check = await checkSignature(db, tenantId, body, now());
    if (!check.valid) {
      await recordAuthEvent(db, { tenantId, kind: 'invalid_signature', ip: req.ip ?? null });
      throw invalidSignature(check.why);
    }
    const attributes: AttributeChanges = { signed: signedAttributes(check.identity.attributesClaim), unsigned: body.attributes ?? {} };
    if (Object.keys(attributes.unsigned).length > 0) await refuseUnsignedAttributes(db, tenantId, req);
    const customer = await linkHostIdentity(db, { tenantId, sessionId }, check.identity, attributes);
    const out: CustomerMeResponse = { level: await identityLevelOf(db, tenantId, sessionId), customer: toWireCustomer(customer) };
    res.json(out);
  });

}

async function refuseUnsigned(db: Db, tenantId: string, req: Request): Promise<void> {
  if (!(await customerSettings(db, tenantId)).requireSignedIdentity) return;
  await recordAuthEvent(db, { tenantId, kind: 'signature_required', ip: req.ip ?? null });
  throw signatureRequired();
}

async function refuseUnsignedAttributes(db: Db, tenantId: string, req: Request): Promise<void> {
  if (!(await customerSettings(db, tenantId)).requireSignedIdentity) return;
  await recordAuthEvent(db, { tenantId, kind: 'signature_required', ip: req.ip ?? null });
  throw unsignedAttributesRefused();
}

/** A token's attributes claim, held to the same limits as the body's: signed is not the same as well-formed (400). */
function signedAttributes(claim: unknown): CustomerAttributesUpdate {
  return claim === undefined ? {} : parseInput(customerAttributesUpdateSchema, claim, "token's attributes claim");
}

async function checkSignature(db: Db, tenantId: string, body: IdentityRequest, now: Date): Promise<SignatureCheck> {
  const secret = await identitySecret(db, tenantId);
  if (body.signature) {
    return verifyUserIdSignature(body.userId, body.signature, secret)
      ? // The HMAC covers the user id only: an email beside it is unsigned, so it is not kept (use a JWT to pass one).
        { valid: true, identity: { userId: body.userId, email: null, name: body.name ?? null } }
      : { valid: false, why: 'signature is not the HMAC-SHA256 of userId with the identity secret' };
  }
  const check = await verifyIdentityToken(body.token!, body.userId, secret, now);
  if (!check.valid) return check;
  // Only the signed claim counts for the email; a malformed one is dropped.
  const claimedEmail = customerEmailSchema.safeParse(check.identity.email);
  return {
    valid: true,
    identity: { ...check.identity, email: claimedEmail.success ? claimedEmail.data : null, name: check.identity.name ?? body.name ?? null },
  };
}
