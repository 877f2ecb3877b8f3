/** How a connection's TLS is checked, for the start-up log. */
export type TlsCheck = 'no tls' | 'encrypted, certificate not verified' | 'certificate chain verified' | 'certificate chain and host name verified';

/**
 * DATABASE_URL with libpq's meaning of `sslmode`, the one psql, Supabase's dashboard and Postgres'
 * own docs use: `require` encrypts without verifying the certificate, or verifies its chain when a
 * root certificate is given; `verify-full` also checks the host name. The pg driver alone reads
 * `require` as verify-full, so the URL Supabase users paste (`?sslmode=require`) failed at
 * start-up with "self-signed certificate in certificate chain"; `uselibpqcompat=true` asks the
 * driver for libpq's meaning. `caFile` (PREX_DATABASE_CA_FILE) becomes `sslrootcert`, and with no
 * sslmode in the URL it means `verify-full`. The URL is appended to, never re-serialized, so
 * passwords keep their exact encoding.
 */
export function libpqConnectionString(url: string, caFile?: string): { url: string; tls: TlsCheck } {
  const params = new URLSearchParams(url.split('?')[1] ?? '');
  const added: [string, string][] = [];
  const rootCert = params.get('sslrootcert') ?? caFile;
  if (caFile && !params.has('sslrootcert')) added.push(['sslrootcert', caFile]);
  const mode = params.get('sslmode') ?? (rootCert ? 'verify-full' : undefined);
  if (mode && !params.has('sslmode')) added.push(['sslmode', mode]);
  if (mode && !params.has('uselibpqcompat')) added.push(['uselibpqcompat', 'true']);
  const query = added.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return { url: query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url, tls: tlsCheck(mode, Boolean(rootCert)) };
}

function tlsCheck(mode: string | undefined, rootCert: boolean): TlsCheck {
  if (!mode || mode === 'disable') return 'no tls';
  if (mode === 'verify-full') return 'certificate chain and host name verified';
  if (mode === 'verify-ca' || (mode === 'require' && rootCert)) return 'certificate chain verified';
  return 'encrypted, certificate not verified';
}
