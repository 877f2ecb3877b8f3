import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import type { PhoneChannel } from '../customers/phone-channel.js';
import { findSmsConversationOfPhone, findSmsSettings } from './repository.js';
import type { SmsSender } from './sender.js';

/** The tenant's Twilio number as customers/ uses it to text verification codes. */
export function createPhoneChannel(deps: { db: Db; log: Logger; sender: SmsSender }): PhoneChannel {
  const { db, log, sender } = deps;
  return {
    available: async (tenantId) => Boolean(await findSmsSettings(db, tenantId)),
    async readiness(tenantId, phone) {
      const settings = await findSmsSettings(db, tenantId);
      if (!settings) return 'no-number';
      if (settings.managerNumbers.includes(phone) || settings.phoneNumber === phone) return 'manager';
      return (await findSmsConversationOfPhone(db, tenantId, phone))?.optedOut ? 'opted-out' : 'ready';
    },
    async sendCode(tenantId, phone, text, codeId) {
      const settings = await findSmsSettings(db, tenantId);
      if (!settings) return false;
      try {
        // A delivery of the code (not of a conversation): Twilio's status callbacks update it.
        await sender.sendTo(settings, phone, text, { phoneCodeId: codeId });
        return true;
      } catch (error) {
        log.warn('sms: a verification code was not sent', { tenantId, error: error instanceof Error ? error.message : String(error) });
        return false;
      }
    },
    async smsSessionOf(tenantId, phone) {
      return (await findSmsConversationOfPhone(db, tenantId, phone))?.sessionId;
    },
  };
}
