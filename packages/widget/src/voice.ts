import type { Store } from './store.js';

/**
 * Voice input with the Web Speech API (lazy chunk: only loaded when the visitor presses the
 * microphone, which is only shown where the browser has SpeechRecognition). recorder.ts is the
 * other way, with the same `listen`: a voice message transcribed by the server.
 */
type Recognition = {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onend: (() => void) | null;
  onerror: (() => void) | null;
  start(): void;
  stop(): void;
};
type RecognitionCtor = new () => Recognition;

export const speechRecognition = (): RecognitionCtor | undefined => {
  const g = globalThis as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return g.SpeechRecognition ?? g.webkitSpeechRecognition;
};

/** Starts listening; `onText` gets the draft with what was said so far after it. Returns a stop function. */
export function listen(store: Store, onText: (text: string) => void, onEnd: () => void): () => void {
  const before = store.draft.peek();
  const Ctor = speechRecognition();
  if (!Ctor) {
    onEnd();
    return () => {};
  }
  const r = new Ctor();
  r.lang = store.strings.peek().lang;
  r.interimResults = true;
  r.continuous = false;
  r.onresult = (e) => {
    let said = '';
    for (let i = 0; i < e.results.length; i++) said += e.results[i]![0]!.transcript;
    onText(before ? `${before.trimEnd()} ${said.trim()}` : said.trim());
  };
  r.onend = r.onerror = onEnd;
  try {
    r.start();
  } catch {
    onEnd();
  }
  return () => r.stop();
}
