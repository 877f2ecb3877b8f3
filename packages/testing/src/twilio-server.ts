import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server speaking the part of Twilio's REST API that Prex calls: Messages create
 * (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic auth with the
 * account SID and auth token), answering as Twilio does: 201 with the message resource, 401 code
 * 20003 for wrong credentials, 400 code 21617 for a body over 1600 characters, 400 code 21610 for a
 * recipient that opted out. Point the real `twilio` client at it. Never used by production code.
 */

export interface SentSms {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  /** The StatusCallback URL the message was sent with, if any (Twilio posts its delivery status there). */
  statusCallback?: string;
}

export interface TwilioServerOptions {
  /** Accounts the server knows: SID → auth token. */
  accounts: Record<string, string>;
}

export interface RunningTwilioServer {
  /** http://127.0.0.1:port: the API's origin. */
  url: string;
  messages: SentSms[];
  /** Recipients Twilio refuses (code 21610), as after a STOP with Twilio's own opt-out handling. */
  blocked: Set<string>;
  /** Requests refused, with Twilio's error code. */
  refusals: Array<{ code: number; status: number }>;
  /** Resolves once `count` messages (in all) were created; rejects after timeoutMs. */
  waitForMessages(count: number, timeoutMs?: number): Promise<SentSms[]>;
  close(): Promise<void>;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/;
const MAX_BODY_CHARS = 1600;

export async function startTwilioServer(options: TwilioServerOptions): Promise<RunningTwilioServer> {
  const messages: SentSms[] = [];
  const blocked = new Set<string>();
  const refusals: Array<{ code: number; status: number }> = [];
  const waiters = new Set<() => void>();

  const refuse = (res: ServerResponse, status: number, code: number, message: string) => {
    refusals.push({ code, status });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = MESSAGES_PATH.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.method !== 'POST' || !path) return refuse(res, 404, 20404, 'The requested resource was not found');
    const accountSid = path[1]!;
    const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
    if (user !== accountSid || options.accounts[accountSid] === undefined || options.accounts[accountSid] !== pass) return refuse(res, 401, 20003, 'Authenticate');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const to = form.get('To') ?? '';
    const from = form.get('From') ?? '';
    const body = form.get('Body') ?? '';
    if (!to || !from) return refuse(res, 400, 21604, "A 'To' and a 'From' phone number are required");
    if ([...body].length > MAX_BODY_CHARS) return refuse(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit');
    if (blocked.has(to)) return refuse(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const statusCallback = form.get('StatusCallback');
    messages.push({ sid, accountSid, from, to, body, ...(statusCallback ? { statusCallback } : {}) });
    for (const wake of [...waiters]) wake();
    const now = new Date().toUTCString();
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        sid,
        account_sid: accountSid,
        from,
        to,
        body,
        status: 'queued',
        direction: 'outbound-api',
        num_segments: String(Math.ceil([...body].length / 153) || 1),
        date_created: now,
        date_updated: now,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      }),
    );
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => refuse(res, 500, 20500, 'Internal Server Error'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    blocked,
    refusals,
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(messages.slice(0, count));
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`expected ${count} SMS, got ${messages.length}`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
