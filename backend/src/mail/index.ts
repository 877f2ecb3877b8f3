export { createMailer } from './mailer.js';
export { sendEmail, EmailNotSentError, type EmailDeps, type SendEmailInput } from './send.js';
export { listEmailEvents, recordEmailEvent, type EmailEvent } from './events.js';
export type { EmailKind, Mailer, OutgoingMail, SentMail } from './types.js';
