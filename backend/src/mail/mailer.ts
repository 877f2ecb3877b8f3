import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { SendMailOptions, Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { ConfigError, type EmailConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Mailer, OutgoingMail, SentMail } from './types.js';

type Nodemailer = typeof import('nodemailer');
let loaded: Nodemailer | undefined;
/** nodemailer (~12 MiB resident) is loaded by the first mail, not by every start: most never send one. */
const nodemailer = (): Nodemailer => (loaded ??= createRequire(import.meta.url)('nodemailer') as Nodemailer);

/** A relay that stops answering must not hold a visitor's request (or the scheduler) for minutes. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/**
 * SMTP through any provider's relay when config.email.smtpUrl is set (smtp:// or smtps://, with
 * credentials in the URL); otherwise the local outbox, so the demo works offline.
 */
export function createMailer(config: { email: EmailConfig }, log: Logger): Mailer {
  const { smtpUrl, from, outboxDir } = config.email;
  const toMessage = messageBuilder(from);
  return smtpUrl ? smtpMailer(smtpUrl, toMessage) : outboxMailer(outboxDir, toMessage, log);
}

type MessageBuilder = (mail: OutgoingMail) => SendMailOptions;

/**
 * The configured From address with the mail's display name when it has one. nodemailer encodes the
 * name (quotes, RFC 2047), so a tenant name with quotes or line breaks cannot forge a header.
 */
function messageBuilder(from: string): MessageBuilder {
  const address = addressparser(from, { flatten: true })[0]?.address || from;
  return (mail) => ({
    from: mail.fromName ? { name: mail.fromName.replace(/[\r\n]+/g, ' '), address } : from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
  });
}

/** The config only checks the scheme; a URL without a host or with a bad port stops start-up here, named. */
function checkSmtpUrl(url: string): void {
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    /* reported below */
  }
  if (!host) throw new ConfigError('Invalid configuration:\n  PREX_SMTP_URL: must be smtp(s)://[user:pass@]host[:port]');
}

function smtpMailer(url: string, toMessage: MessageBuilder): Mailer {
  checkSmtpUrl(url);
  // Pooled: summary bursts reuse a few connections instead of a handshake per mail.
  let transport: Transporter | undefined;
  return {
    async send(mail) {
      transport ??= nodemailer().createTransport({ url, pool: true, maxConnections: 3, ...SMTP_TIMEOUTS });
      const info = await transport.sendMail(toMessage(mail));
      return { via: 'smtp', providerId: info.messageId ?? null };
    },
    async close() {
      transport?.close();
    },
  };
}

/**
 * One RFC 822 .eml file per mail (opens in any mail client), plus an info line naming the file: a
 * one-time code is in the mail's subject, so the demo can be used without any mail server. The
 * subject itself is logged only with prompt logging on (PREX_LOG_PROMPTS).
 */
function outboxMailer(outboxDir: string, toMessage: MessageBuilder, log: Logger): Mailer {
  let transport: Transporter | undefined;
  return {
    async send(mail): Promise<SentMail> {
      transport ??= nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
      const info = await transport.sendMail(toMessage(mail));
      await mkdir(outboxDir, { recursive: true });
      const fileName = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      await writeFile(path.join(outboxDir, fileName), info.message as Buffer);
      const file = path.join(outboxDir, fileName);
      // Recipient and subject (a code's subject carries the code) only with prompt logging on.
      log.info('email written to the outbox (no SMTP relay configured)', { file });
      log.prompt('outbox email', { subject: mail.subject, file });
      return { via: 'outbox', providerId: fileName };
    },
    async close() {},
  };
}
