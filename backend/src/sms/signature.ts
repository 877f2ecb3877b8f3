import type { Request } from 'express';
import { HttpError } from '../http/errors.js';
import { twilioModule } from './twilio-client.js';

/**
 * The URL Twilio called, as it signed it: the configured public origin (behind a proxy that changes
 * host or scheme) or the request's own, plus the path and query string as received.
 */
export function signedUrl(req: Request, publicUrl: string | undefined): string {
  const origin = publicUrl ?? `${req.protocol}://${req.get('host') ?? ''}`;
  return `${origin}${req.originalUrl}`;
}

/**
 * Checks X-Twilio-Signature with Twilio's own validator (HMAC of the URL and the sorted form
 * parameters under the account's auth token; the algorithm named by Twilio's signature-settings
 * header, SHA-1 when absent). Missing or wrong: 403, before anything is stored.
 */
export function verifyTwilioSignature(req: Request, authToken: string, url: string): void {
  const twilio = twilioModule();
  const signature = req.get(twilio.SIGNATURE_HEADER);
  if (!signature) throw new HttpError(403, 'invalid_signature', `Missing ${twilio.SIGNATURE_HEADER}: only Twilio may call this webhook`);
  const algorithm = twilio.getSignatureAlgorithm(req.get(twilio.SIGNATURE_SETTINGS_HEADER));
  const params = isForm(req.body) ? req.body : {};
  if (!twilio.validateRequest(authToken, signature, url, params, algorithm)) {
    throw new HttpError(403, 'invalid_signature', `${twilio.SIGNATURE_HEADER} does not match this request for the tenant's Twilio auth token (is PREX_PUBLIC_URL the URL Twilio calls?)`);
  }
}

function isForm(body: unknown): body is Record<string, string | string[]> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}
