import {
  EMAIL_CODE,
  emailCodeStartRequestSchema,
  emailCodeVerifyRequestSchema,
  ROUTES,
  type EmailCodePurpose,
  type EmailCodeStartResponse,
  type EmailCodeVerifyResponse,
} from '@prex/protocol';
import { sendCodeEmail } from './code-mail.js';
import { sessionOf, tenantOf } from '../auth/context.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { checkCode, issueCode, type CheckOutcome, type CodeDeps } from './codes.js';
import { customerConversations } from './conversations.js';
import { clockOf, type CustomersDeps } from './deps.js';
import { invalidCode, tooManyCodes, verificationRequired } from './errors.js';
import { linkVerifiedEmail } from './link.js';
import { toWireCustomer } from './presenter.js';
import { customerOfSession } from './repository.js';
import { identityLevelOf } from '../conversations/session-identity.js';

const LIMIT_SCOPE = { email: 'for this email address', ip: 'from this network', tenant: 'on this site' } as const;

/**
 * Email one-time codes: POST …/email/start sends a 6-digit code; POST …/email/verify checks it and
 * links the session to the customer owning that email, returning their conversations.
 */
export function addEmailCodeRoutes(routes: RouteGroup, deps: CustomersDeps): void {
  const { db, config } = deps;
  const codeDeps: CodeDeps = { db, secret: config.session.secret, now: clockOf(deps) };

  routes.post(ROUTES.emailCodeStart, async (req, res) => {
    const { email, purpose } = parseJsonBody(emailCodeStartRequestSchema, req, 'email code request');
    const { tenantId, sessionId } = sessionOf(res);
    if (purpose !== 'verify') await requireVerifiedFor(deps, { tenantId, sessionId }, email, purpose);
    const issued = await issueCode(codeDeps, { tenantId, sessionId, address: email, purpose, ip: req.ip ?? null });
    if (!issued.issued) throw tooManyCodes(LIMIT_SCOPE[issued.limit]);
    // Sent whether or not the email belongs to a customer: the response and the work are the same.
    await sendCodeEmail(deps, { tenantId, tenantName: tenantOf(res).name, to: email, code: issued.code, purpose, sessionId });
    const out: EmailCodeStartResponse = { sent: true, expiresInSeconds: EMAIL_CODE.ttlSeconds };
    res.status(202).json(out);
  });

  routes.post(ROUTES.emailCodeVerify, async (req, res) => {
    const { email, code } = parseJsonBody(emailCodeVerifyRequestSchema, req, 'email code');
    const { tenantId, sessionId } = sessionOf(res);
    throwUnlessOk(await checkCode(codeDeps, { tenantId, sessionId, address: email, code, purpose: 'verify', ip: req.ip ?? null }));
    const customer = await linkVerifiedEmail(db, { tenantId, sessionId }, email, codeDeps.now());
    const out: EmailCodeVerifyResponse = {
      level: 'email',
      customer: toWireCustomer(customer),
      conversations: await customerConversations({ db, config, now: codeDeps.now }, tenantId, customer.id),
    };
    res.json(out);
  });

}

export function throwUnlessOk(outcome: CheckOutcome): void {
  if (outcome.ok) return;
  throw invalidCode(outcome.reason === 'wrong_code' ? outcome.attemptsLeft : undefined);
}

/** Codes for export or deletion go only to the email this session already verified. */
async function requireVerifiedFor(deps: CustomersDeps, scope: { tenantId: string; sessionId: string }, email: string, purpose: EmailCodePurpose): Promise<void> {
  const [level, customer] = await Promise.all([
    identityLevelOf(deps.db, scope.tenantId, scope.sessionId),
    customerOfSession(deps.db, scope.tenantId, scope.sessionId),
  ]);
  if (level !== 'email' || customer?.email !== email || !customer.emailVerifiedAt) {
    throw verificationRequired(purpose === 'export' ? 'Downloading your data' : 'Deleting your data');
  }
}
