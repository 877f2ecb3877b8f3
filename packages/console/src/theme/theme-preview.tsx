import type { Theme, ThemeOverride } from '@prex/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { previewThemeOf } from './draft.js';
import type { PreviewDraft, PreviewReady } from './preview-message.js';

/** Served by the backend (backend/src/console-static.ts) under its own CSP; built from theme-preview.html. */
const PREVIEW_PAGE = '/console/theme-preview';
const SCHEMES = ['light', 'dark'] as const;
const DEVICES = ['desktop', 'mobile'] as const;

/**
 * The real widget with the draft theme: the preview document in a same-origin frame runs the
 * loader and pane visitors get, and takes every change by postMessage. The switches stand for the
 * visitor's page: light or dark (what 'auto' follows), desktop or phone width (under 481 px the
 * pane is full screen).
 */
export function ThemePreview({ theme, defaults, tenantName }: { theme: ThemeOverride; defaults: Theme; tenantName: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  const [scheme, setScheme] = useState<(typeof SCHEMES)[number]>('light');
  const [device, setDevice] = useState<(typeof DEVICES)[number]>('desktop');

  useEffect(() => {
    const onMessage = (event: MessageEvent<PreviewReady>) => {
      if (event.origin === location.origin && event.source === frame.current?.contentWindow && event.data?.type === 'prex-theme-preview-ready') setReady(true);
    };
    addEventListener('message', onMessage);
    return () => removeEventListener('message', onMessage);
  }, []);

  useEffect(() => {
    if (!ready) return;
    const draft: PreviewDraft = { type: 'prex-theme-preview', theme: previewThemeOf(theme, defaults, scheme), tenantName, scheme };
    frame.current?.contentWindow?.postMessage(draft, location.origin);
  }, [ready, theme, defaults, scheme, tenantName]);

  return (
    <section class="theme-preview stack" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <div class="row">
        <Switch label="Page" options={SCHEMES} value={scheme} onChange={setScheme} />
        <Switch label="Screen" options={DEVICES} value={device} onChange={setDevice} />
      </div>
      <iframe ref={frame} src={PREVIEW_PAGE} title="Widget preview" class={`preview-frame ${device}`} data-testid="theme-preview" />
    </section>
  );
}

function Switch<T extends string>({ label, options, value, onChange }: { label: string; options: readonly T[]; value: T; onChange: (v: T) => void }) {
  return (
    <div role="group" aria-label={label} class="tabs">
      {options.map((o) => (
        <button key={o} type="button" aria-pressed={o === value} onClick={() => onChange(o)}>
          {o[0]!.toUpperCase() + o.slice(1)}
        </button>
      ))}
    </div>
  );
}
