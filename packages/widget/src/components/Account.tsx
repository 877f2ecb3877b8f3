import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Store } from '../store.js';

type Panel = FunctionComponent<{ store: Store }>;
let loading: Promise<Panel> | undefined;

/**
 * The account and data view. Its code (email verification, profile, export, deletion) is a lazy
 * chunk: most visitors never open it, so the pane's first download does not carry it.
 */
export function Account({ store }: { store: Store }) {
  const [panel, setPanel] = useState<{ Panel: Panel } | null>(null);
  const [failed, setFailed] = useState(false);
  const t = store.strings.value;
  const load = () => {
    setFailed(false);
    (loading ??= import('../account/account-panel.js').then((m) => m.AccountPanel)).then(
      (Panel) => setPanel({ Panel }),
      () => {
        loading = undefined;
        setFailed(true);
      },
    );
  };
  useEffect(load, []);
  if (panel) return <panel.Panel store={store} />;
  return (
    <div class="prex-messages" data-testid="prex-account">
      {failed ? (
        <div class="prex-alert" role="alert">
          <span>{t.errGeneric}</span>
          <button type="button" class="prex-retry" onClick={load}>
            {t.retry}
          </button>
        </div>
      ) : (
        <p class="prex-loading" role="status">
          {t.loading}
        </p>
      )}
    </div>
  );
}
