import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { STAFF_LIMITS } from '@prex/protocol/wire';
import { useAction } from '../use-action.js';
import { tokenFromFragment } from './fragment.js';

export interface TokenPasswordPageProps {
  title: string;
  passwordLabel: string;
  button: string;
  /** What to say when the page was opened without the mailed link's token. */
  missingToken: ComponentChildren;
  /** Sends the token and the chosen password; resolves to the account's email. */
  send(token: string, password: string): Promise<string>;
  doneTitle: string;
  done(email: string): ComponentChildren;
}

/** A mailed one-time link's page (an invitation, a password reset): choose a password, twice. */
export function TokenPasswordPage(props: TokenPasswordPageProps) {
  const [token] = useState(tokenFromFragment);
  const [doneFor, setDoneFor] = useState<string | null>(null);
  const { error, setError, run } = useAction();

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(form.get('password'));
    if (password !== String(form.get('confirm'))) return setError('The two passwords differ');
    await run(async () => {
      const email = await props.send(token, password);
      // The fragment held a one-time secret: drop it from the address bar and history.
      history.replaceState(null, '', location.pathname);
      setDoneFor(email);
    });
  }

  if (doneFor) {
    return (
      <main class="auth">
        <h1>{props.doneTitle}</h1>
        <p role="status">{props.done(doneFor)}</p>
      </main>
    );
  }
  return (
    <main class="auth">
      <h1>{props.title}</h1>
      {!token ? (
        <p role="alert">{props.missingToken}</p>
      ) : (
        <form onSubmit={submit} class="stack">
          <label>
            {props.passwordLabel} (at least {STAFF_LIMITS.minPasswordChars} characters)
            <input name="password" type="password" autocomplete="new-password" minLength={STAFF_LIMITS.minPasswordChars} required />
          </label>
          <label>
            Same password again
            <input name="confirm" type="password" autocomplete="new-password" required />
          </label>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          <button type="submit">{props.button}</button>
        </form>
      )}
    </main>
  );
}
