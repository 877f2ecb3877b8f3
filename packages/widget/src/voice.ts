/**
 * Voice input with the Web Speech API (lazy chunk: only loaded when the visitor presses the
 * microphone, which is only shown where the browser has SpeechRecognition).
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

/** Starts listening; `onText` gets what was said so far (after `before`). Returns a stop function. */
export function listen(lang: string, before: string, onText: (text: string) => void, onEnd: () => void): () => void {
  const Ctor = speechRecognition();
  if (!Ctor) {
    onEnd();
    return () => {};
  }
  const r = new Ctor();
  r.lang = lang;
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
