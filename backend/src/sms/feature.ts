import type { Request, Response } from 'express';
import { SMS_ROUTES, smsStatusPath } from '@prex/protocol';
import { STAFF_REPLY_TOPIC, type ConversationBus } from '../bus/index.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { badRequest, HttpError, notFound } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { handleInboundSms, relayStaffReply, type AnswerFn, type InboundContext } from './conversation.js';
import { applyDeliveryStatus } from './deliveries.js';
import { inboundSmsSchema } from './inbound-form.js';
import { handleManagerSms, noticeManagersOfHandoff, type ManagerDeps } from './managers.js';
import { claimInbound, findOrCreateSmsConversation, findSmsSettings, updateInbound } from './repository.js';
import { createSmsSender } from './sender.js';
import { createTokenBox } from './token-box.js';
import { createPhoneChannel } from './phone-channel.js';
import { linkPhoneSession, type PhoneChannel } from '../customers/index.js';
import { addSmsSettingsRoutes } from './settings-routes.js';
import { addStaffSmsSettingsRoutes } from './staff-settings-routes.js';
import { signedUrl, verifyTwilioSignature } from './signature.js';
import { smsStatusCallbackSchema } from './status-form.js';

export interface SmsFeatureDeps {
  config: Config;
  db: Db;
  log: Logger;
  routes: Routes;
  bus: ConversationBus;
  /** The answering pipeline (ChatFeature.answer). */
  answer: AnswerFn;
}

export interface SmsFeature extends Feature {
  /** The handoff service's listener: the tenant's managers get an SMS notice (see managers.ts). */
  handoffOpened(tenantId: string, escalation: { id: string; sessionId: string; messageId: string | null }): Promise<void>;
  /** The tenant's number as customers/ texts phone verification codes with it. */
  phoneChannel: PhoneChannel;
}

const TENANT_ID = /^ten_[A-Za-z0-9_-]{1,64}$/;
/** Twilio reads the webhook's reply as TwiML: an empty one sends nothing (answers go by the REST API). */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * SMS through Twilio, a second channel of the same conversations: Twilio posts each incoming
 * message to the tenant's webhook; it is verified, recorded once per MessageSid, and answered in the
 * background (an answer may take longer than Twilio waits for the webhook) through the Messaging API.
 * Staff replies to an SMS conversation are relayed to the phone. The tenant's manager numbers are
 * told of every handoff and answer by SMS (managers.ts); Twilio reports each sent message's delivery
 * status to the status callback (deliveries.ts).
 */
export function createSmsFeature(deps: SmsFeatureDeps): SmsFeature {
  const { config, db, log } = deps;
  // Twilio needs an absolute URL to post delivery statuses to: without PREX_PUBLIC_URL none is asked for.
  const statusCallbackUrl = (tenantId: string) => (config.publicUrl ? `${config.publicUrl}${smsStatusPath(tenantId)}` : undefined);
  // Tenants' auth tokens, sealed under PREX_SECRETS_KEY (or env references), opened only to talk to Twilio.
  const tokens = createTokenBox(config.secretsKey);
  const sender = createSmsSender({ db, log, apiBaseUrl: config.twilio.apiBaseUrl, statusCallbackUrl, tokens });
  const managers: ManagerDeps = { db, log, bus: deps.bus, sender, consoleOrigin: config.publicOrigin };
  const work = new Set<Promise<void>>();
  // One message of a phone at a time, in the order they came: the pipeline answers one per session.
  const queues = new Map<string, Promise<void>>();
  let unsubscribe: (() => void) | undefined;

  function track(what: string, scope: { tenantId: string; sessionId?: string }, job: () => Promise<void>): Promise<void> {
    const run = job()
      .catch((error: unknown) => log.error(`sms: ${what} failed`, { ...scope, error: error instanceof Error ? error.message : String(error) }))
      .finally(() => work.delete(run));
    work.add(run);
    return run;
  }

  function enqueue(ctx: InboundContext): void {
    const scope = { tenantId: ctx.settings.tenantId, sessionId: ctx.conversation.sessionId };
    const key = `${scope.tenantId}:${scope.sessionId}`;
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(() =>
      track('an incoming message', scope, async () => {
        try {
          await handleInboundSms({ db, log, sender, answer: deps.answer, bus: deps.bus }, ctx);
        } catch (error) {
          await updateInbound(db, scope.tenantId, ctx.inboundId, { status: 'failed', error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
          throw error;
        }
      }),
    );
    queues.set(key, next);
    void next.finally(() => {
      if (queues.get(key) === next) queues.delete(key);
    });
  }

  /** The tenant's settings for a request Twilio signed with its auth token (404, 403 or 400 otherwise). */
  async function verifiedSettings(req: Request) {
    const tenantId = String(req.params.tenantId);
    if (!TENANT_ID.test(tenantId)) throw notFound('No such SMS webhook');
    const settings = await findSmsSettings(db, tenantId);
    if (!settings) throw notFound('No SMS number is configured for this tenant');
    verifyTwilioSignature(req, tokens.open(settings.authToken), signedUrl(req, config.publicUrl));
    if (req.body === undefined) throw badRequest('Expected a form body (application/x-www-form-urlencoded), as Twilio sends');
    return settings;
  }

  const webhook = deps.routes.webhook();
  webhook.post(SMS_ROUTES.inbound, async (req, res: Response) => {
    const settings = await verifiedSettings(req);
    const tenantId = settings.tenantId;
    const message = parseInput(inboundSmsSchema, req.body, 'Twilio message');
    if (message.AccountSid !== settings.accountSid) throw new HttpError(403, 'invalid_signature', "AccountSid is not this tenant's Twilio account");
    if (message.To !== settings.phoneNumber) throw badRequest("Invalid Twilio message: To is not this tenant's SMS number", [{ path: 'To', message: 'not the configured number' }]);

    // A manager's number is never a customer's: its messages answer handoff notices, never reach the bot.
    if (settings.managerNumbers.includes(message.From)) {
      const outcome = await handleManagerSms(managers, settings, message);
      if (typeof outcome === 'object') {
        void track('telling a manager', { tenantId }, () => sender.sendTo(settings, message.From, outcome.tellManager, null).then(() => undefined));
      }
      res.type('text/xml').send(EMPTY_TWIML);
      return;
    }

    const conversation = await findOrCreateSmsConversation(db, tenantId, message.From);
    // Texting from a phone a customer verified: the conversation is that customer's.
    await linkPhoneSession(db, { tenantId, sessionId: conversation.sessionId }, message.From);
    const inboundId = await claimInbound(db, { tenantId, sessionId: conversation.sessionId, messageSid: message.MessageSid });
    // A retried delivery (same MessageSid) is acknowledged and not answered again.
    if (inboundId) enqueue({ settings, conversation, message, inboundId });
    else log.info('sms: a repeated delivery was ignored', { tenantId, sessionId: conversation.sessionId });
    res.type('text/xml').send(EMPTY_TWIML);
  });

  // Twilio's delivery status of a message Prex sent. An unknown MessageSid (a message of the same
  // account sent by other software, or one whose record is gone) is acknowledged with 204 and
  // changes nothing: a 4xx would only fill the account's Twilio debugger with errors.
  webhook.post(SMS_ROUTES.status, async (req, res: Response) => {
    const settings = await verifiedSettings(req);
    const update = parseInput(smsStatusCallbackSchema, req.body, 'Twilio status callback');
    if (update.AccountSid !== settings.accountSid) throw new HttpError(403, 'invalid_signature', "AccountSid is not this tenant's Twilio account");
    const outcome = await applyDeliveryStatus(db, settings.tenantId, { sid: update.MessageSid, status: update.MessageStatus, errorCode: update.ErrorCode ?? null });
    if (outcome === 'unknown') log.info('sms: a status callback for an unknown message was ignored', { tenantId: settings.tenantId });
    res.status(204).end();
  });

  const admin = deps.routes.admin();
  addSmsSettingsRoutes(admin, db, tokens);
  const staff = deps.routes.staff();
  addStaffSmsSettingsRoutes(staff, db, config.publicUrl, tokens);

  return {
    handoffOpened: (tenantId, escalation) => noticeManagersOfHandoff(managers, tenantId, escalation),
    phoneChannel: createPhoneChannel({ db, log, sender }),
    publicRoutes: [webhook.router, staff.router],
    adminRoutes: admin.router,
    start() {
      unsubscribe = deps.bus.subscribe(STAFF_REPLY_TOPIC, (event) => {
        if (event.kind !== 'staff-reply') return;
        const scope = { tenantId: event.tenantId, sessionId: event.sessionId };
        void track('relaying a staff reply', scope, () => relayStaffReply({ db, sender, settingsOf: (id) => findSmsSettings(db, id) }, event));
      });
    },
    async stop() {
      unsubscribe?.();
      while (work.size > 0) await Promise.allSettled([...work]);
    },
  };
}
