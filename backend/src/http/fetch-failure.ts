/**
 * Why a fetch to `url` failed, in words an operator can act on ("connection refused to
 * http://localhost:8787/…"), instead of undici's bare "fetch failed" (the errno hides in `cause`).
 */
export function describeFetchFailure(url: string, error: unknown): string {
  const where = withoutCredentials(url);
  const cause = causeOf(error);
  const code = cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused to ${where} (is the server running, on that port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host of ${where} (${code})`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connection to ${where} timed out`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `connection to ${where} was closed before an answer (${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no network route to ${where} (${code})`;
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `the TLS certificate of ${where} was not accepted (${code})`;
  // fetch refuses a URL with user:password in a message that quotes it whole.
  const detail = (cause?.message ?? (error instanceof Error ? error.message : String(error))).replaceAll(url, where);
  return `cannot reach ${where}: ${code ? `${detail} (${code})` : detail}`;
}

interface NetworkCause {
  code?: string;
  message?: string;
}

/** undici puts the socket error in `cause`; several addresses tried (localhost: ::1 and 127.0.0.1) give an AggregateError. */
function causeOf(error: unknown): NetworkCause | undefined {
  const cause = (error as { cause?: NetworkCause & { errors?: NetworkCause[] } } | null)?.cause;
  if (!cause) return undefined;
  return cause.code ? cause : (cause.errors?.find((e) => e.code) ?? cause);
}

/** A URL may carry user:password; a message on a terminal or in CI logs must not. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}
