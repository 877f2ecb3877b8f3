import { useState } from 'preact/hooks';
import { messageOf } from './api.js';

/** A form's submit: whether it is running, and what went wrong in words (cleared on the next run). */
export function useAction(): { busy: boolean; error: string | null; setError(message: string | null): void; run(task: () => Promise<void>): Promise<boolean> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(task: () => Promise<void>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await task();
      return true;
    } catch (err) {
      setError(messageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
