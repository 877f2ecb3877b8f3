import { access } from '../access/options.js';
import { supabaseAccessToken } from '../access/supabase.js';
import { signIn, signInWithSupabase } from '../auth.js';
import { useAction } from '../use-action.js';

type Method = 'password' | 'supabase';

export function LoginPage() {
  const { busy, error, run } = useAction();
  const supabase = access.value?.signIn.supabase ?? null;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const method = ((event.submitter as HTMLButtonElement | null)?.value ?? 'password') as Method;
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    await run(async () => {
      if (method === 'supabase' && supabase) await signInWithSupabase(await supabaseAccessToken(supabase, email, password));
      else await signIn(email, password);
    });
  }
  return (
    <main class="auth">
      <h1>Sign in to Prex</h1>
      <form onSubmit={submit} class="stack">
        <label>
          Email
          <input name="email" type="email" autocomplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" value="password" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {supabase && (
          <button type="submit" value="supabase" class="secondary" disabled={busy} data-testid="sign-in-supabase">
            Sign in with Supabase
          </button>
        )}
      </form>
      <p>
        <a href="/console/forgot-password">Forgot your password?</a>
      </p>
    </main>
  );
}
