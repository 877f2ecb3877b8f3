import { createRequire } from 'node:module';
import type twilio from 'twilio';

type Twilio = typeof twilio;
let loaded: Twilio | undefined;
/** twilio and its HTTP client (~20 MiB resident) load with the first SMS sent or webhook checked, not with every start. */
export const twilioModule = (): Twilio => (loaded ??= createRequire(import.meta.url)('twilio') as Twilio);

/**
 * Twilio's own client, one per account. Given `apiBaseUrl` (a Twilio-compatible gateway, or the
 * loopback stand-in of the tests), every REST call goes to that origin instead of *.twilio.com,
 * through the client's documented extension point: a custom `httpClient` (its RequestClient, so
 * authentication, form encoding and error mapping stay Twilio's).
 */
export function createTwilioClient(credentials: { accountSid: string; authToken: string }, apiBaseUrl: string | undefined): twilio.Twilio {
  const options: twilio.ClientOpts = { timeout: 15_000, autoRetry: true, maxRetries: 2 };
  if (apiBaseUrl) options.httpClient = new (rebasedRequestClient())(apiBaseUrl, { timeout: 15_000 });
  return twilioModule()(credentials.accountSid, credentials.authToken, options);
}

type RequestOptions<TData> = Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0];
type RestResponse<TData> = Awaited<ReturnType<typeof twilio.RequestClient.prototype.request<TData>>>;

let rebased: ReturnType<typeof defineRebasedRequestClient> | undefined;
const rebasedRequestClient = () => (rebased ??= defineRebasedRequestClient(twilioModule()));

/** Defined once twilio is loaded, since it extends twilio's RequestClient. */
function defineRebasedRequestClient(twilio: Twilio) {
  return class RebasedRequestClient extends twilio.RequestClient {
    private readonly base: URL;

    constructor(apiBaseUrl: string, opts: ConstructorParameters<typeof twilio.RequestClient>[0]) {
      super(opts);
      this.base = new URL(apiBaseUrl);
    }

    override request<TData>(opts: RequestOptions<TData>): Promise<RestResponse<TData>> {
      const uri = new URL(opts.uri);
      uri.protocol = this.base.protocol;
      uri.host = this.base.host;
      // The service (api, messaging…) becomes the first path segment, so one origin can stand in for all.
      uri.pathname = `${this.base.pathname.replace(/\/$/, '')}${uri.pathname}`;
      return super.request<TData>({ ...opts, uri: uri.href });
    }
  };
}

/** Twilio's error for a refused call, in words fit for a log line (no phone numbers, no token). */
export function twilioErrorText(error: unknown): string {
  if (error instanceof twilioModule().RestException) return `Twilio ${error.status} code ${error.code ?? '?'}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
