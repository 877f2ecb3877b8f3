import { useState } from 'preact/hooks';

/** A line under a form: what happened (status) or what went wrong (alert). */
export type Notice = { ok: boolean; text: string } | null;

export function Message({ notice }: { notice: Notice }) {
  if (!notice) return null;
  return (
    <p role={notice.ok ? 'status' : 'alert'} class={notice.ok ? 'ok' : 'error'}>
      {notice.text}
    </p>
  );
}

/** A value to copy; where the clipboard is refused, the text is selected for Ctrl+C. */
export function Copyable({ label, text, testId }: { label: string; text: string; testId: string }) {
  const [copied, setCopied] = useState<Notice>(null);
  async function copy(event: Event) {
    // Read before the await: once the click is dispatched, currentTarget is null.
    const code = (event.currentTarget as HTMLElement).previousElementSibling!;
    try {
      await navigator.clipboard.writeText(text);
      setCopied({ ok: true, text: `${label} copied` });
    } catch {
      getSelection()?.selectAllChildren(code);
      setCopied({ ok: false, text: 'Copying was refused: the text is selected, press Ctrl+C (⌘C)' });
    }
  }
  return (
    <div class="copyable">
      <code class="secret" data-testid={testId}>
        {text}
      </code>
      <button type="button" class="secondary" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
        Copy
      </button>
      <Message notice={copied} />
    </div>
  );
}
