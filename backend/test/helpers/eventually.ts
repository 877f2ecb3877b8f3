/**
 * Polls `check` until it returns something truthy (background work on the server); rejects after
 * timeoutMs, which is long on purpose: it tells a stuck condition from a slow, loaded machine.
 */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
