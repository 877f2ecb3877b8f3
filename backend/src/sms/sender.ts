import type twilio from 'twilio';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { splitForSms } from './format.js';
import { claimOutbound, findSmsConversationOfSession, finishOutbound, type SmsConversation, type SmsSettings } from './repository.js';
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
}

export function createSmsSender(deps: { db: Db; log: Logger; apiBaseUrl: string | undefined }): SmsSender {
  const { db, log } = deps;
  // One client per tenant, rebuilt when its credentials change (the client keeps its connections).
  const clients = new Map<string, { key: string; client: twilio.Twilio }>();
  const clientFor = (settings: SmsSettings) => {
    const key = `${settings.accountSid}:${settings.authToken}`;
    const cached = clients.get(settings.tenantId);
    if (cached?.key === key) return cached.client;
    const client = createTwilioClient(settings, deps.apiBaseUrl);
    clients.set(settings.tenantId, { key, client });
    return client;
  };

  return {
    async send(settings, conversation, text, messageId, evenIfOptedOut = false) {
      const scope = { tenantId: settings.tenantId, sessionId: conversation.sessionId };
      // Read again: a STOP may have arrived while the answer was written.
      const current = await findSmsConversationOfSession(db, scope.tenantId, scope.sessionId);
      if (!current || (current.optedOut && !evenIfOptedOut)) return 'opted-out';
      const claimed = await claimOutbound(db, { ...scope, messageId });
      if (!claimed) return 'already-sent';
      const sids: string[] = [];
      try {
        const client = clientFor(settings);
        for (const body of splitForSms(text)) {
          const message = await client.messages.create({ from: settings.phoneNumber, to: current.phone, body });
          sids.push(message.sid);
        }
        await finishOutbound(db, scope.tenantId, claimed, { status: 'sent', sids });
        return 'sent';
      } catch (error) {
        const reason = twilioErrorText(error);
        log.error('sms: could not send a message', { tenantId: scope.tenantId, sessionId: scope.sessionId, messageId, error: reason });
        await finishOutbound(db, scope.tenantId, claimed, { status: 'failed', sids, error: reason }).catch(() => undefined);
        return 'failed';
      }
    },
  };
}
