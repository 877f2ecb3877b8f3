import {
  EMAIL_CODE,
  phoneCodeStartRequestSchema,
  phoneCodeVerifyRequestSchema,
  PHONE_CODE_ROUTES,
  type PhoneCodeStartResponse,
  type PhoneCodeVerifyResponse,
} from '@prex/protocol';
import { sessionOf, tenantOf } from '../auth/context.js';
import { conflict, HttpError } from '../http/errors.js';
import type { RouteGroup } from '../http/route-group.js';
import { parseJsonBody } from '../http/validate.js';
import { identityLevelOf } from '../conversations/session-identity.js';
import { checkCode, issueCode, PHONE_CHANNEL, type CodeDeps } from './codes.js';
import { customerConversations } from './conversations.js';
import { clockOf, type CustomersDeps } from './deps.js';
import { throwUnlessOk } from './email-codes.js';
import { tooManyCodes } from './errors.js';
import { linkPhoneSession, linkVerifiedPhone } from './link.js';
import type { PhoneChannel, PhoneReadiness } from './phone-channel.js';
import { toWireCustomer } from './presenter.js';

const LIMIT_SCOPE = { email: 'for this phone number', ip: 'from this network', tenant: 'on this site' } as const;

const NOT_READY: Record<Exclude<PhoneReadiness, 'ready'>, () => HttpError> = {
  'no-number': () => conflict('This site has no SMS number configured: phone verification is not available (verify an email instead)'),
  'opted-out': () => conflict('This phone number opted out of text messages (STOP): text START to the site\'s number first'),
  manager: () => conflict("This phone number is one of the site's own numbers and cannot be verified as a customer's"),
};

/**
 * Phone one-time codes, the SMS twin of email codes (same hashing, expiry, attempts and send
 * limits): POST …/phone/start texts a 6-digit code from the tenant's Twilio number; POST
 * …/phone/verify checks it, puts the phone on the session's customer (created or joined as for an
 * email) and links the SMS conversation of that phone to the same customer.
 */
export function addPhoneCodeRoutes(routes: RouteGroup, deps: CustomersDeps & { phone: PhoneChannel }): void {
  const { db, config, phone: channel } = deps;
  const codeDeps: CodeDeps = { db, secret: config.session.secret, now: clockOf(deps), channel: PHONE_CHANNEL };

  routes.post(PHONE_CODE_ROUTES.start, async (req, res) => {
    const { phone } = parseJsonBody(phoneCodeStartRequestSchema, req, 'phone code request');
    const { tenantId, sessionId } = sessionOf(res);
    const readiness = await channel.readiness(tenantId, phone);
    if (readiness !== 'ready') throw NOT_READY[readiness]();
    const issued = await issueCode(codeDeps, { tenantId, sessionId, address: phone, purpose: 'verify', ip: req.ip ?? null });
    if (!issued.issued) throw tooManyCodes(LIMIT_SCOPE[issued.limit]);
    const minutes = Math.round(EMAIL_CODE.ttlSeconds / 60);
    const text = `${tenantOf(res).name}: your verification code is ${issued.code}. It expires in ${minutes} minutes. Do not share it.`;
    if (!(await channel.sendCode(tenantId, phone, text, issued.id))) throw smsUnavailable();
    const out: PhoneCodeStartResponse = { sent: true, expiresInSeconds: EMAIL_CODE.ttlSeconds };
    res.status(202).json(out);
  });

  routes.post(PHONE_CODE_ROUTES.verify, async (req, res) => {
    const { phone, code } = parseJsonBody(phoneCodeVerifyRequestSchema, req, 'phone code');
    const { tenantId, sessionId } = sessionOf(res);
    throwUnlessOk(await checkCode(codeDeps, { tenantId, sessionId, address: phone, code, purpose: 'verify', ip: req.ip ?? null }));
    const customer = await linkVerifiedPhone(db, { tenantId, sessionId }, phone, codeDeps.now());
    const smsSession = await channel.smsSessionOf(tenantId, phone);
    if (smsSession) await linkPhoneSession(db, { tenantId, sessionId: smsSession }, phone);
    const level = await identityLevelOf(db, tenantId, sessionId);
    const out: PhoneCodeVerifyResponse = {
      level: level === 'email' ? 'email' : 'phone',
      customer: toWireCustomer(customer),
      conversations: await customerConversations({ db, config, now: codeDeps.now }, tenantId, customer.id),
    };
    res.json(out);
  });
}

const smsUnavailable = () => new HttpError(502, 'sms_unavailable', 'The text message could not be sent: try again in a few minutes, or verify an email instead');
