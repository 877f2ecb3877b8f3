/**
 * Polls while the page is visible: `tick` resolves true when it found something new. The wait
 * starts at `baseMs`, grows ×1.5 after each empty tick and ×2 after a failed one, up to `maxMs`
 * (a quiet conversation costs few requests), and snaps back to `baseMs` once something arrives.
 * A hidden tab does not poll at all; coming back ticks at once. Returns the stop function.
 */
export function pollWhileVisible(tick: () => Promise<boolean>, baseMs: number, maxMs: number, doc: Document = document): () => void {
  let delay = baseMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running = false;
  const visible = () => doc.visibilityState !== 'hidden';
  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && visible()) timer = setTimeout(run, delay);
  };
  const run = async () => {
    if (running || stopped) return;
    running = true;
    try {
      delay = (await tick()) ? baseMs : Math.min(maxMs, delay * 1.5);
    } catch {
      delay = Math.min(maxMs, delay * 2);
    }
    running = false;
    schedule();
  };
  const onVisibility = () => (visible() ? void run() : clearTimeout(timer));
  doc.addEventListener('visibilitychange', onVisibility);
  if (visible()) void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    doc.removeEventListener('visibilitychange', onVisibility);
  };
}
