import type { ErrorBody, ErrorCode } from '@prex/protocol';

type Issue = NonNullable<ErrorBody['error']['issues']>[number];

/** An error the caller can act on: becomes `{ error: { code, message, issues } }` with `status`. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

export const badRequest = (message: string, issues?: Issue[]) => new HttpError(400, 'invalid_request', message, issues);
export const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
export const forbiddenOrigin = (message: string) => new HttpError(403, 'forbidden_origin', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const tooManyRequests = (message: string) => new HttpError(429, 'rate_limited', message);
