/**
 * The account and data panel (a lazy chunk): verify your email (or your phone by SMS), your profile, email this
 * conversation, download or delete your data. The logic is in flow.ts; this is the look.
 * Every step focuses its first field, the status line is a polite live region, errors are alerts
 * the fields point to (aria-describedby).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Store } from '../store.js';
import { adoptStyles } from '../styles.js';
import css from './account.css?inline';
import { createAccountFlow, type AccountFlow, type Say } from './flow.js';
import { accountStrings, fmt, type AccountStrings } from './strings.js';

/** One flow per pane: leaving the panel and coming back keeps a code being entered. */
const flows = new WeakMap<Store, AccountFlow>();
const styled = new WeakSet<Node>();
const ERROR_ID = 'prex-account-error';

type Props = { flow: AccountFlow; t: AccountStrings };

const say = (s: Say | null, t: AccountStrings) => (!s ? '' : 'text' in s ? s.text : fmt(t[s.key], s.values ?? {}));

export function AccountPanel({ store }: { store: Store }) {
  let flow = flows.get(store);
  if (!flow) flows.set(store, (flow = createAccountFlow(store)));
  const t = accountStrings(store.strings.value.lang);
  const ref = useRef<HTMLDivElement>(null);
  const step = flow.step.value;
  const error = flow.error.value;

  useLayoutEffect(() => {
    const root = ref.current?.getRootNode();
    if (root instanceof ShadowRoot && !styled.has(root)) {
      styled.add(root);
      adoptStyles(root, css);
    }
  }, []);
  // Each request from the menu (also while the panel is already open) runs once.
  const request = store.accountIntent.value;
  useEffect(() => void flow.open(request.intent), [request]);
  // Each new step puts the keyboard (and the screen reader) on its first field.
  useLayoutEffect(() => ref.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus(), [step]);

  return (
    <div class="prex-messages prex-account" data-testid="prex-account" data-step={step.kind} ref={ref}>
      <h3 class="prex-subtitle">{t.title}</h3>
      <p role="status" aria-live="polite" data-testid="prex-account-status">
        {say(flow.notice.value, t)}
      </p>
      {error && (
        <p id={ERROR_ID} role="alert" data-testid="prex-account-error">
          {say(error, t)}
        </p>
      )}
      {step.kind === 'loading' ? (
        <p class="prex-loading">{t.working}</p>
      ) : step.kind === 'email' ? (
        <>
          <EmailForm flow={flow} t={t} />
          <Phone flow={flow} t={t} />
        </>
      ) : step.kind === 'code' ? (
        <CodeForm flow={flow} t={t} />
      ) : step.kind === 'confirm-delete' ? (
        <ConfirmDelete flow={flow} t={t} />
      ) : (
        <Profile flow={flow} t={t} />
      )}
    </div>
  );
}

/**
 * A submitted form's field, read from the DOM: what the visitor (or the browser's autofill, which
 * does not always fire input events) put there.
 */
const field = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
const onSubmit = (run: (form: HTMLFormElement) => void) => (e: Event) => {
  e.preventDefault();
  run(e.currentTarget as HTMLFormElement);
};

/** Field attributes that tie an input to the panel's current error. */
const invalid = (flow: AccountFlow) => (flow.error.value ? { 'aria-invalid': 'true' as const, 'aria-describedby': ERROR_ID } : {});

function EmailForm({ flow, t }: Props) {
  return (
    <form class="prex-form" data-testid="prex-verify-form" noValidate onSubmit={onSubmit((f) => void flow.sendCode(field(f, 'email'), 'verify'))}>
      <p>{t.intro}</p>
      <label class="prex-field">
        {t.email}
        <input
          type="email"
          name="email"
          autocomplete="email"
          data-testid="prex-email-input"
          data-autofocus
          defaultValue={flow.lastEmail()}
          {...invalid(flow)}
        />
      </label>
      <button type="submit" class="prex-send" data-testid="prex-send-code" disabled={flow.busy.value}>
        {t.sendCode}
      </button>
    </form>
  );
}

/** The verified phone, or (where the site has an SMS number) the form that texts a code to verify one. */
function Phone({ flow, t }: Props) {
  const phone = flow.customer.value?.phone;
  if (phone) return <p data-testid="prex-verified-phone">{fmt(t.verifiedPhone, { phone })}</p>;
  if (!flow.phoneOn.value) return null;
  return (
    <form class="prex-form" data-testid="prex-phone-form" noValidate onSubmit={onSubmit((f) => void flow.sendPhoneCode(field(f, 'phone')))}>
      <p>{t.phoneIntro}</p>
      <label class="prex-field">
        {t.phone}
        <input type="tel" name="phone" autocomplete="tel" data-testid="prex-phone-input" defaultValue={flow.lastPhone()} {...invalid(flow)} />
      </label>
      <button type="submit" class="prex-send" data-testid="prex-send-sms-code" disabled={flow.busy.value}>
        {t.textCode}
      </button>
    </form>
  );
}

function CodeForm({ flow, t }: Props) {
  const step = flow.step.value;
  const wait = Math.ceil((flow.resendAt.value - flow.now()) / 1000);
  const [, tick] = useState(0);
  // Re-render once a second while the resend cooldown runs (the countdown is visible).
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => tick((n) => n + 1), 1000);
    return () => clearTimeout(timer);
  });
  if (step.kind !== 'code') return null;
  const submitLabel = step.purpose === 'verify' || step.purpose === 'phone' ? t.verify : step.purpose === 'export' ? t.confirmExport : t.confirmDelete;
  return (
    <form class="prex-form" data-testid="prex-code-form" data-purpose={step.purpose} noValidate onSubmit={onSubmit((f) => void flow.submitCode(field(f, 'code')))}>
      <label class="prex-field">
        {t.code}
        <input
          class="prex-otp"
          name="code"
          inputMode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]*"
          maxLength={6}
          data-testid="prex-code-input"
          data-autofocus
          {...invalid(flow)}
        />
      </label>
      <button type="submit" class={step.purpose === 'delete' ? 'prex-send prex-danger' : 'prex-send'} data-testid="prex-submit-code" disabled={flow.busy.value}>
        {submitLabel}
      </button>
      <div class="prex-row">
        <button type="button" class="prex-link" data-testid="prex-resend-code" disabled={wait > 0 || flow.busy.value} onClick={flow.resend}>
          {wait > 0 ? fmt(t.resendIn, { n: wait }) : t.resend}
        </button>
        <button type="button" class="prex-link" data-testid="prex-code-back" onClick={flow.cancel}>
          {step.purpose === 'verify' ? t.otherEmail : step.purpose === 'phone' ? t.otherPhone : t.cancel}
        </button>
      </div>
    </form>
  );
}

function Profile({ flow, t }: Props) {
  const c = flow.customer.value;
  const busy = flow.busy.value;
  return (
    <>
      <form class="prex-card" data-testid="prex-profile" noValidate onSubmit={onSubmit((f) => void flow.save(field(f, 'name'), field(f, 'interests')))}>
        <h4>{t.profile}</h4>
        <p data-testid="prex-profile-email">{c?.email}</p>
        <label class="prex-field">
          {t.name}
          <input name="name" autocomplete="name" maxLength={200} data-testid="prex-profile-name" data-autofocus defaultValue={c?.name ?? ''} />
        </label>
        <label class="prex-field">
          {t.interests}
          <input name="interests" maxLength={500} data-testid="prex-profile-interests" defaultValue={c?.interests.join(', ') ?? ''} />
        </label>
        <button type="submit" class="prex-send" data-testid="prex-profile-save" disabled={busy}>
          {t.save}
        </button>
      </form>
      <Phone flow={flow} t={t} />
      <div class="prex-row">
        <button type="button" class="prex-chip" data-testid="prex-email-conversation" disabled={busy} onClick={() => void flow.emailConversation()}>
          {t.emailChat}
        </button>
        <button type="button" class="prex-chip" data-testid="prex-export" disabled={busy} onClick={() => void flow.requestCode('export')}>
          {t.exportData}
        </button>
        <button type="button" class="prex-chip" data-testid="prex-delete" disabled={busy} onClick={flow.askDelete}>
          {t.deleteData}
        </button>
      </div>
    </>
  );
}

function ConfirmDelete({ flow, t }: Props) {
  return (
    <div class="prex-form" data-testid="prex-confirm-delete">
      <p>{t.deleteWarning}</p>
      <div class="prex-row">
        <button type="button" class="prex-send prex-danger" data-testid="prex-delete-confirm" data-autofocus disabled={flow.busy.value} onClick={() => void flow.requestCode('delete')}>
          {t.deleteData}
        </button>
        <button type="button" class="prex-link" data-testid="prex-delete-cancel" onClick={flow.cancel}>
          {t.cancel}
        </button>
      </div>
    </div>
  );
}
