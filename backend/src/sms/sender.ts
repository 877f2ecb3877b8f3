import type twilio from 'twilio';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { splitForSms } from './format.js';
import { recordDelivery, type DeliveryOwner } from './deliveries.js';
import { claimOutbound, findSmsConversationOfSession, finishOutbound, type SmsConversation, type SmsSettings } from './repository.js';
import type { TokenBox } from './token-box.js';
import { createTwilioClient, twilioErrorText } from './twilio-client.js';

export type SendOutcome = 'sent' | 'failed' | 'opted-out' | 'already-sent';

export interface SmsSender {
  /**
   * Sends `text` to the conversation's phone from the tenant's number, in as many messages as it
   * needs. A Prex message (`messageId`) goes out once whichever instance asks; null for a keyword
   * reply. Nothing goes to a number that opted out, unless `evenIfOptedOut` (the STOP confirmation).
   * Never throws: a refusal is logged and recorded.
   */
  send(settings: SmsSettings, conversation: SmsConversation, text: string, messageId: string | null, evenIfOptedOut?: boolean): Promise<SendOutcome>;
  /**
   * Sends `text` to a number that is not a conversation's (a manager's), in as many messages as it
   * needs, each recorded for its status callbacks under `owner` (null: not recorded, e.g. a note to
   * a manager about a reply that matched nothing). Throws a PartialSend on a refusal.
   */
  sendTo(settings: SmsSettings, to: string, text: string, owner: DeliveryOwner | null): Promise<string[]>;
}

/** Twilio refused a part: the sids of the parts it took before, and its reason in words. */
export class PartialSend extends Error {
  constructor(
    readonly sids: string[],
    reason: string,
  ) {
    super(reason);
  }
}

export interface SmsSenderDeps {
  db: Db;
  log: Logger;
  apiBaseUrl: string | undefined;
  /** The absolute StatusCallback URL for the tenant's messages; undefined sends none (no public URL is known). */
  statusCallbackUrl: (tenantId: string) => string | undefined;
  /** Opens the stored auth token (sealed, an env reference, or as given). */
  tokens: TokenBox;
}

export function createSmsSender(deps: SmsSenderDeps): SmsSender {
  const { db, log } = deps;
  // One client per tenant, rebuilt when its credentials change (the client keeps its connections).
  const clients = new Map<string, { key: string; client: twilio.Twilio }>();
  const clientFor = (settings: SmsSettings) => {
    const key = `${settings.accountSid}:${settings.authToken}`;
    const cached = clients.get(settings.tenantId);
    if (cached?.key === key) return cached.client;
    const client = createTwilioClient({ accountSid: settings.accountSid, authToken: deps.tokens.open(settings.authToken) }, deps.apiBaseUrl);
    clients.set(settings.tenantId, { key, client });
    return client;
  };

  /** Every part of `text` from the tenant's number, each recorded as Twilio answered it. */
  async function deliver(settings: SmsSettings, to: string, text: string, owner: DeliveryOwner | null): Promise<string[]> {
    const sids: string[] = [];
    const statusCallback = deps.statusCallbackUrl(settings.tenantId);
    try {
      const client = clientFor(settings);
      for (const body of splitForSms(text)) {
        const message = await client.messages.create({ from: settings.phoneNumber, to, body, ...(statusCallback ? { statusCallback } : {}) });
        sids.push(message.sid);
        if (owner) await recordDelivery(db, settings.tenantId, owner, message.sid, message.status ?? 'queued');
      }
      return sids;
    } catch (error) {
      throw new PartialSend(sids, twilioErrorText(error));
    }
  }

  return {
    sendTo: deliver,
    async send(settings, conversation, text, messageId, evenIfOptedOut = false) {
      const scope = { tenantId: settings.tenantId, sessionId: conversation.sessionId };
      // Read again: a STOP may have arrived while the answer was written.
      const current = await findSmsConversationOfSession(db, scope.tenantId, scope.sessionId);
      if (!current || (current.optedOut && !evenIfOptedOut)) return 'opted-out';
      const claimed = await claimOutbound(db, { ...scope, messageId });
      if (!claimed) return 'already-sent';
      try {
        const sids = await deliver(settings, current.phone, text, { smsMessageId: claimed });
        await finishOutbound(db, scope.tenantId, claimed, { status: 'sent', sids });
        return 'sent';
      } catch (error) {
        const { sids, message: reason } = error instanceof PartialSend ? error : new PartialSend([], String(error));
        log.error('sms: could not send a message', { tenantId: scope.tenantId, sessionId: scope.sessionId, messageId, error: reason });
        await finishOutbound(db, scope.tenantId, claimed, { status: 'failed', sids, error: reason }).catch(() => undefined);
        return 'failed';
      }
    },
  };
}
