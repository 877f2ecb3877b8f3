import type { CustomerErrorCode, ErrorBody } from '@prex/protocol';
import { HttpError } from '../http/errors.js';

/**
 * An error of the customer routes whose code is more precise than the common set (the widget tells
 * "wrong code" from "signature required"). Travels through the shared error handler as an HttpError.
 */
export class CustomerError extends HttpError {
  constructor(
    status: number,
    readonly customerCode: CustomerErrorCode,
    message: string,
    readonly attemptsLeft?: number,
  ) {
    super(status, customerCode, message);
  }

  override toBody(): ErrorBody {
    const body = super.toBody();
    if (this.attemptsLeft !== undefined) body.error.attemptsLeft = this.attemptsLeft;
    return body;
  }
}

export const signatureRequired = () =>
  new CustomerError(401, 'signature_required', 'This site requires a signed identity: send userId with a signature or token made with the identity secret on your server');
/** The tenant requires signed identities, and attributes sent beside the signature are not signed. */
export const unsignedAttributesRefused = () =>
  new CustomerError(
    401,
    'signature_required',
    "This site requires signed identities, so unsigned attributes are refused: put them in the identity token's attributes claim (an HMAC signs the user id only)",
  );
export const invalidSignature = (why: string) => new CustomerError(401, 'invalid_signature', `Identity signature rejected: ${why}`);
export const invalidCode = (attemptsLeft?: number) =>
  new CustomerError(
    400,
    'invalid_code',
    attemptsLeft === undefined
      ? 'This code is wrong, expired or already used: ask for a new code'
      : `This code is wrong or expired: ${attemptsLeft} ${attemptsLeft === 1 ? 'attempt' : 'attempts'} left`,
    attemptsLeft,
  );
export const verificationRequired = (what: string) =>
  new CustomerError(403, 'verification_required', `${what} needs a verified email: verify one with POST /v1/identity/email/start then /verify`);

export const tooManyCodes = (scope: string) =>
  new HttpError(429, 'rate_limited', `Too many codes requested ${scope}: wait a few minutes and try again`);
