/** One email to send. Both bodies always: HTML for clients that show it, text for the rest. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Display name on the configured From address (the tenant's name), so the mail is recognisable. */
  fromName?: string | undefined;
  /** Where a reply goes: the customer, in the tenant's copy of a summary. */
  replyTo?: string | undefined;
}

export interface SentMail {
  /** smtp: accepted by the relay; outbox: written to the local outbox (no relay configured). */
  via: 'smtp' | 'outbox';
  /** The relay's message id, or the outbox file name. */
  providerId: string | null;
}

/** Sends mail through SMTP (nodemailer) or, with no relay configured, to the local outbox. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): Promise<void>;
}

/** Kinds of email Prex sends (email_events.kind). */
export type EmailKind = 'otp' | 'summary' | 'auto_summary' | 'export' | 'handoff' | 'staff_invite' | 'staff_password_reset';
