import type { Db } from '../db/db.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { recordEmailEvent, type EmailEvent } from './events.js';
import type { EmailKind, Mailer, OutgoingMail } from './types.js';

export interface EmailDeps {
  db: Db;
  mailer: Mailer;
  log: Logger;
}

export interface SendEmailInput {
  tenantId: string;
  sessionId?: string | null | undefined;
  customerId?: string | null | undefined;
  kind: EmailKind;
  mail: OutgoingMail;
}

/**
 * The mail could not be handed to the relay. A 502 with a generic message: the relay's own error
 * (host names, credentials hints) stays in the log and in email_events, never in a visitor's response.
 */
export class EmailNotSentError extends HttpError {
  override name = 'EmailNotSentError';
  constructor(readonly event: EmailEvent) {
    super(502, 'email_unavailable', 'The email could not be sent right now. Please try again in a few minutes.');
  }
}

/** Sends one mail and records it in email_events (sent, outbox or failed); throws EmailNotSentError on failure. */
export async function sendEmail(deps: EmailDeps, input: SendEmailInput): Promise<EmailEvent> {
  const base = {
    tenantId: input.tenantId,
    sessionId: input.sessionId ?? null,
    customerId: input.customerId ?? null,
    kind: input.kind,
    recipient: input.mail.to,
  };
  let sent;
  try {
    sent = await deps.mailer.send(input.mail);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    deps.log.warn('email not sent', { tenantId: input.tenantId, kind: input.kind, error });
    const event = await recordEmailEvent(deps.db, { ...base, status: 'failed', providerId: null, error });
    throw new EmailNotSentError(event);
  }
  return recordEmailEvent(deps.db, {
    ...base,
    status: sent.via === 'smtp' ? 'sent' : 'outbox',
    providerId: sent.providerId,
    error: null,
  });
}
