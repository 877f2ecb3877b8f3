import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on loopback for tests: accepts every message (authOptional, no TLS), keeps
 * each one decoded enough for assertions: headers, subject, and the text and HTML bodies out of a
 * multipart message (quoted-printable and base64 undone, RFC 2047 encoded words in headers too).
 * Never used by production code.
 */

export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** Decoded Subject header. */
  subject: string;
  /** The text/plain part, decoded ('' when absent). */
  text: string;
  /** The text/html part, decoded ('' when absent). */
  html: string;
  /** The message as received, headers and all. */
  raw: string;
  /** Top-level headers, lower-cased names, unfolded and decoded. */
  headers: Record<string, string>;
  /** The user the client authenticated as, when it did. */
  user: string | undefined;
}

export interface SmtpServerOptions {
  /** Credentials the server accepts; a client that authenticates with others is refused. */
  auth?: { user: string; pass: string };
  /** Answer every message with this SMTP error instead of accepting it (e.g. 550 "mailbox unavailable"). */
  rejectWith?: { code: number; message: string };
}

export interface RunningSmtpServer {
  /** smtp://user:pass@127.0.0.1:port (no credentials part without `auth`). */
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or arriving) that matches; rejects after timeoutMs. */
  waitFor(predicate?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<RunningSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      if (expected && (auth.username !== expected.user || auth.password !== expected.pass)) {
        callback(new Error('Invalid username or password'));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const parts: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => parts.push(chunk));
      stream.on('end', () => {
        if (options.rejectWith) {
          callback(Object.assign(new Error(options.rejectWith.message), { responseCode: options.rejectWith.code }));
          return;
        }
        const raw = Buffer.concat(parts).toString('utf8');
        const envelope = session.envelope;
        messages.push({
          ...decodeMessage(raw),
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address),
          raw,
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';

  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    waitFor(predicate = () => true, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return;
          finish();
          resolve(found);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Decoded = Pick<ReceivedMail, 'subject' | 'text' | 'html' | 'headers'>;

/** Splits headers from body and finds the text and HTML parts, however deep the multipart nesting. */
export function decodeMessage(raw: string): Decoded {
  const { headers, body } = splitEntity(raw);
  const bodies = { text: '', html: '' };
  collectBodies(headers, body, bodies);
  return { headers, subject: headers.subject ?? '', ...bodies };
}

function collectBodies(headers: Record<string, string>, body: string, out: { text: string; html: string }): void {
  const contentType = headers['content-type'] ?? 'text/plain';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType.startsWith('multipart/')) {
    const boundary = parameterOf(contentType, 'boundary');
    if (!boundary) return;
    for (const part of multipartParts(body, boundary)) {
      const entity = splitEntity(part);
      collectBodies(entity.headers, entity.body, out);
    }
    return;
  }
  const decoded = decodeTransfer(body, headers['content-transfer-encoding'] ?? '7bit');
  if (mediaType === 'text/plain' && !out.text) out.text = decoded;
  if (mediaType === 'text/html' && !out.html) out.html = decoded;
}

function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const normalised = raw.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const head = end < 0 ? normalised : normalised.slice(0, end);
  const body = end < 0 ? '' : normalised.slice(end + 2);
  const headers: Record<string, string> = {};
  // Folded header lines continue with whitespace.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeEncodedWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function multipartParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  for (const section of body.split(delimiter).slice(1)) {
    if (section.startsWith('--')) break;
    parts.push(section.replace(/^[ \t]*\n/, '').replace(/\n$/, ''));
  }
  return parts;
}

function parameterOf(headerValue: string, name: string): string | undefined {
  const match = headerValue.match(new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i'));
  return match ? (match[1] ?? match[2]) : undefined;
}

function decodeTransfer(body: string, encoding: string): string {
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

function decodeQuotedPrintable(body: string): string {
  // Soft line breaks (=\n) join lines; =XX are bytes of a UTF-8 sequence.
  const joined = body.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047: =?charset?B|Q?text?= words, adjacent ones joined without the whitespace between. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}
