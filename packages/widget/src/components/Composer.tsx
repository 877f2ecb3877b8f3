import { LIMITS } from '@prex/protocol/wire';
import type { Ref } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { attachChunk, loadAttach } from '../attach-slot.js';
import type { Store } from '../store.js';
import { ClipIcon, MicIcon, SendIcon, StopIcon } from './icons.js';

const MAX_INPUT_PX = 140;

/**
 * Shown where the browser can do speech recognition, or where the server transcribes voice
 * messages; the code of either is a lazy chunk (voice.ts, recorder.ts).
 */
const canListen = () => {
  const g = globalThis as { SpeechRecognition?: unknown; webkitSpeechRecognition?: unknown };
  return !!(g.SpeechRecognition ?? g.webkitSpeechRecognition);
};

/** Textarea + Send (Enter sends, Shift+Enter is a newline); Send becomes Stop while answering. */
export function Composer({ store, inputRef }: { store: Store; inputRef: Ref<HTMLTextAreaElement> & { current: HTMLTextAreaElement | null } }) {
  const draft = store.draft.value;
  const busy = store.busy.value;
  const t = store.strings.value;
  const [listening, setListening] = useState(false);
  /** The recorder's line: its limit and progress, or what went wrong. */
  const [status, setStatus] = useState('');
  const stopListening = useRef<(() => void) | null>(null);
  const v = store.voice.value;
  const server = !!v && (v.prefer == 'server' || !canListen());
  const fileInput = useRef<HTMLInputElement>(null);
  const Attach = attachChunk.value;
  // Files picked, pasted or dropped: the upload code is a lazy chunk, loaded on the first one.
  const attach = (files: File[]) => files.length > 0 && void loadAttach().then((a) => a.upload(store, files));

  // Grow with the text up to a limit (CSSOM height: allowed under a strict CSP).
  useLayoutEffect(() => {
    const el = inputRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, MAX_INPUT_PX)}px`;
  }, [draft]);
  useEffect(() => () => stopListening.current?.(), []);

  const submit = () => {
    stopListening.current?.();
    if (store.send(store.draft.peek())) store.setDraft('');
  };

  const voice = () => {
    if (listening) return stopListening.current?.();
    setListening(true);
    void (server ? import('../recorder.js') : import('../voice.js')).then(({ listen }) => {
      stopListening.current = listen(
        store,
        store.setDraft,
        () => {
          stopListening.current = null;
          setListening(false);
          inputRef.current?.focus();
        },
        setStatus,
      );
    });
  };

  return (
    <>
      {status && (
        <div class="prex-voice-status" role="status" data-testid="prex-voice-status">
          {status}
        </div>
      )}
      <form
        class="prex-composer"
        data-testid="prex-composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          attach([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        {Attach && <Attach.Uploads store={store} />}
        <input
          type="file"
          hidden
          multiple
          ref={fileInput}
          data-testid="prex-file-input"
          accept="image/*,.pdf,.txt"
          onChange={(e) => {
            attach([...(e.currentTarget.files ?? [])]);
            e.currentTarget.value = '';
          }}
        />
        <button type="button" class="prex-voice" data-testid="prex-attach" aria-label={t.attach} title={t.attach} onClick={() => fileInput.current?.click()}>
          <ClipIcon />
        </button>
        <textarea
          ref={inputRef}
          class="prex-input"
          data-testid="prex-input"
          aria-label={t.message}
          placeholder={t.placeholder}
          enterkeyhint="send"
          rows={1}
          maxLength={LIMITS.maxMessageChars}
          value={draft}
          onInput={(e) => store.setDraft(e.currentTarget.value)}
          onPaste={(e) => {
            const files = [...(e.clipboardData?.files ?? [])];
            if (files.length) e.preventDefault();
            attach(files);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        {!busy && store.microphone.value && (server || canListen()) && (
          <button
            type="button"
            class="prex-voice"
            data-testid="prex-voice"
            data-listening={listening ? 'true' : 'false'}
            aria-pressed={listening ? 'true' : 'false'}
            aria-label={listening ? t.voiceStop : t.voice}
            title={listening ? t.voiceStop : t.voice}
            onClick={voice}
          >
            <MicIcon />
          </button>
        )}
        {busy ? (
          <button type="button" class="prex-stop" data-testid="prex-stop" onClick={() => void store.stop()}>
            <StopIcon />
            {t.stop}
          </button>
        ) : (
          <button type="submit" class="prex-send" data-testid="prex-send" aria-label={t.send} disabled={!draft.trim()}>
            <SendIcon />
          </button>
        )}
      </form>
    </>
  );
}
