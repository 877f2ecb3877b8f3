import type { Response } from 'express';
import { SMS_ROUTES } from '@prex/protocol';
import { STAFF_REPLY_TOPIC, type ConversationBus } from '../bus/index.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import { badRequest, HttpError, notFound } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { handleInboundSms, relayStaffReply, type AnswerFn, type InboundContext } from './conversation.js';
import { inboundSmsSchema } from './inbound-form.js';
import { claimInbound, findOrCreateSmsConversation, findSmsSettings, updateInbound } from './repository.js';
import { createSmsSender } from './sender.js';
import { addSmsSettingsRoutes } from './settings-routes.js';
import { signedUrl, verifyTwilioSignature } from './signature.js';

export interface SmsFeatureDeps {
  config: Config;
  db: Db;
  log: Logger;
  routes: Routes;
  bus: ConversationBus;
  /** The answering pipeline (ChatFeature.answer). */
  answer: AnswerFn;
}

const TENANT_ID = /^ten_[A-Za-z0-9_-]{1,64}$/;
/** Twilio reads the webhook's reply as TwiML: an empty one sends nothing (answers go by the REST API). */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * SMS through Twilio, a second channel of the same conversations: Twilio posts each incoming
 * message to the tenant's webhook; it is verified, recorded once per MessageSid, and answered in the
 * background (an answer may take longer than Twilio waits for the webhook) through the Messaging API.
 * Staff replies to an SMS conversation are relayed to the phone.
 */
export function createSmsFeature(deps: SmsFeatureDeps): Feature {
  const { config, db, log } = deps;
  const sender = createSmsSender({ db, log, apiBaseUrl: config.twilio.apiBaseUrl });
  const work = new Set<Promise<void>>();
  // One message of a phone at a time, in the order they came: the pipeline answers one per session.
  const queues = new Map<string, Promise<void>>();
  let unsubscribe: (() => void) | undefined;

  function track(what: string, scope: { tenantId: string; sessionId: string }, job: () => Promise<void>): Promise<void> {
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

  const webhook = deps.routes.webhook();
  webhook.post(SMS_ROUTES.inbound, async (req, res: Response) => {
    const tenantId = String(req.params.tenantId);
    if (!TENANT_ID.test(tenantId)) throw notFound('No such SMS webhook');
    const settings = await findSmsSettings(db, tenantId);
    if (!settings) throw notFound('No SMS number is configured for this tenant');
    verifyTwilioSignature(req, settings.authToken, signedUrl(req, config.publicUrl));
    if (req.body === undefined) throw badRequest('Expected a form body (application/x-www-form-urlencoded), as Twilio sends');
    const message = parseInput(inboundSmsSchema, req.body, 'Twilio message');
    if (message.AccountSid !== settings.accountSid) throw new HttpError(403, 'invalid_signature', "AccountSid is not this tenant's Twilio account");
    if (message.To !== settings.phoneNumber) throw badRequest("Invalid Twilio message: To is not this tenant's SMS number", [{ path: 'To', message: 'not the configured number' }]);

    const conversation = await findOrCreateSmsConversation(db, tenantId, message.From);
    const inboundId = await claimInbound(db, { tenantId, sessionId: conversation.sessionId, messageSid: message.MessageSid });
    // A retried delivery (same MessageSid) is acknowledged and not answered again.
    if (inboundId) enqueue({ settings, conversation, message, inboundId });
    else log.info('sms: a repeated delivery was ignored', { tenantId, sessionId: conversation.sessionId });
    res.type('text/xml').send(EMPTY_TWIML);
  });

  const admin = deps.routes.admin();
  addSmsSettingsRoutes(admin, db);

  return {
    publicRoutes: webhook.router,
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
