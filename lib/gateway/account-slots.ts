/**
 * @module gateway/account-slots
 * Requests waiting for a busy account, in arrival order. A slot freed in this isolate wakes the longest
 * waiter at once; slots freed elsewhere are found by the waiter's own timeout and re-check.
 */

const waiting: (() => void)[] = [];

export function accountFreed(): void {
  waiting.shift()?.();
}

/** Resolves when a slot was freed here, after `ms`, or when the request is aborted. */
export function waitForAccount(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      const i = waiting.indexOf(done);
      if (i !== -1) waiting.splice(i, 1);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    waiting.push(done);
  });
}
