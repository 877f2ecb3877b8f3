import { useEffect, useState } from 'preact/hooks';

/** Runs `task` when `deps` change and tells whether it is running or failed. */
export function useAsync(task: () => Promise<unknown>, deps: unknown[]): { running: boolean; error: unknown } {
  const [state, setState] = useState<{ running: boolean; error: unknown }>({ running: true, error: undefined });
  useEffect(() => {
    let live = true;
    setState({ running: true, error: undefined });
    task().then(
      () => live && setState({ running: false, error: undefined }),
      (error: unknown) => live && setState({ running: false, error }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}
