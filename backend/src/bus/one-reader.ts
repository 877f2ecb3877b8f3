/**
 * A follower of the bus reads from the database when told something changed; notifications and its
 * poll may arrive while it reads. This runs `read` one at a time: a call during a read makes it read
 * once more after (nothing announced is missed, and reads never overlap or pile up). `read` returns
 * true to read again at once (more is waiting). A failed read waits for the next call.
 */
export function oneReaderAtATime(read: () => Promise<boolean>, stopped: () => boolean): () => Promise<void> {
  let reading = false;
  let again = false;
  return async () => {
    if (stopped()) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        if (await read()) again = true;
      } while (again && !stopped());
    } catch {
      // Retried by the next notification or poll.
    } finally {
      reading = false;
    }
  };
}
