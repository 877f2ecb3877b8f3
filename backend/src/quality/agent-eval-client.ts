import { PUBLISHABLE_KEY_HEADER, ROUTES, createSessionResponseSchema, resumePath, stopPath } from '@prex/protocol';
import { describeFetchFailure } from '../http/fetch-failure.js';
import { AnswerStreamRead, type TurnOutcome } from './turn-outcome.js';

export type { CitedSource, TurnOutcome } from './turn-outcome.js';

/**
 * The visitor side of the public HTTP API, as `prex eval agent` needs it: a session, a message
 * sent to an agent, the SSE answer stream read to its end (resuming after a dropped connection)
 * within a time limit. Node sends no Origin header, so the tenant's origin allow-list does not
 * apply to these requests; the publishable key alone identifies the tenant.
 */

/** The server could not be used at all (network, key): the run stops with exit code 2. */
export class ServerUnusableError extends Error {
  override name = 'ServerUnusableError';
}

export interface EvalClientOptions {
  baseUrl: string;
  publishableKey: string;
  turnTimeoutMs: number;
}

const MAX_RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_WAIT_MS = 30_000;
const MAX_RESUMES = 2;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    return text.slice(0, 300);
  }
}

export class EvalClient {
  private readonly base: string;

  constructor(private readonly options: EvalClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** A request; 429 is waited out (Retry-After) a few times, since a run may exceed a per-IP limit. */
  private async request(path: string, init: RequestInit & { headers?: Record<string, string> }, signal?: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      const url = `${this.base}${path}`;
      try {
        res = await fetch(url, { ...init, headers: { [PUBLISHABLE_KEY_HEADER]: this.options.publishableKey, ...init.headers }, ...(signal ? { signal } : {}) });
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new ServerUnusableError(describeFetchFailure(url, error));
      }
      if (res.status !== 429 || attempt >= MAX_RATE_LIMIT_RETRIES) return res;
      await res.body?.cancel();
      const seconds = Number(res.headers.get('retry-after'));
      await sleep(Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, MAX_RETRY_WAIT_MS), signal);
    }
  }

  /** Checks the server answers and accepts the key, before any case runs. */
  async checkServer(): Promise<void> {
    const res = await this.request(ROUTES.widgetConfig, { method: 'GET' });
    if (res.status === 401 || res.status === 403) throw new ServerUnusableError(`the server refused the publishable key: ${await errorMessage(res)}`);
    if (!res.ok) throw new ServerUnusableError(`${ROUTES.widgetConfig} answered ${res.status}: ${await errorMessage(res)}`);
    await res.body?.cancel();
  }

  /** A fresh visitor session: its bearer token. */
  async createSession(): Promise<string> {
    const res = await this.request(ROUTES.sessions, { method: 'POST' });
    if (res.status !== 201) throw new ServerUnusableError(`could not create a session: ${res.status} ${await errorMessage(res)}`);
    return createSessionResponseSchema.parse(await res.json()).token;
  }

  /** Sends one user message and reads its answer to the end, within the turn time limit. */
  async sendTurn(token: string, text: string, agent: string | undefined): Promise<TurnOutcome> {
    const started = performance.now();
    const signal = AbortSignal.timeout(this.options.turnTimeoutMs);
    const headers = { authorization: `Bearer ${token}` };
    const read = new AnswerStreamRead();
    try {
      const res = await this.request(ROUTES.chat, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ text, ...(agent ? { agent } : {}) }) }, signal);
      if (res.status !== 200) return read.outcome(started, `the server answered ${res.status}: ${await errorMessage(res)}`);
      await read.consume(res, signal);
      for (let resume = 0; !read.done && read.messageId && resume < MAX_RESUMES; resume++) {
        const more = await this.request(resumePath(read.messageId), { method: 'GET', headers: { ...headers, 'last-event-id': String(read.lastSeq) } }, signal);
        if (more.status !== 200) break;
        await read.consume(more, signal);
      }
      return read.outcome(started, read.done ? undefined : 'the answer stream ended before [DONE]');
    } catch (error) {
      if (!signal.aborted) throw error;
      if (read.messageId) await this.stop(headers, read.messageId);
      return read.outcome(started, `no complete answer within ${Math.round(this.options.turnTimeoutMs / 1000)} s`);
    }
  }

  /** Best effort: a timed-out answer is stopped so it does not keep running server-side. */
  private async stop(headers: Record<string, string>, messageId: string): Promise<void> {
    await this.request(stopPath(messageId), { method: 'POST', headers }, AbortSignal.timeout(5_000)).then((r) => r.body?.cancel(), () => undefined);
  }
}
