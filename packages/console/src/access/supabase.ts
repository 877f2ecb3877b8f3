import type { SetupStatusResponse } from '@prex/protocol';

type SupabaseProject = NonNullable<SetupStatusResponse['signIn']['supabase']>;

/**
 * Signs in to the tenant's Supabase project with email and password (GoTrue's password grant) and
 * returns the session's access token, which the backend verifies with supabase-js. Written by hand
 * rather than with @supabase/supabase-js: the client library is several times this page's whole
 * byte budget, and the console needs this one call.
 */
export async function supabaseAccessToken(project: SupabaseProject, email: string, password: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${project.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: project.anonKey, authorization: `Bearer ${project.anonKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  } catch {
    throw new Error('Cannot reach Supabase. Check your connection and try again.');
  }
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error_description?: string; msg?: string; message?: string };
  if (!res.ok || !body.access_token) throw new Error(body.error_description ?? body.msg ?? body.message ?? `Supabase answered ${res.status}`);
  return body.access_token;
}
