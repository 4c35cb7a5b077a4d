/**
 * @module gateway/account-slots
 * Requests waiting for a busy account, in arrival order. A slot freed in this isolate is a wake-up for the
 * longest waiter; slots freed elsewhere are found by the waiter's own periodic re-check. Waiters only ever
 * wake on their own timers: workerd cancels a request that waits on a promise another request would settle.
 */

const queue: object[] = [];
let wakeups = 0;
const TICK_MS = 20;

export function accountFreed(): void {
  if (wakeups < queue.length) wakeups++;
}

/** Resolves when a slot freed here is this waiter's turn, after `ms`, or when the request is aborted. */
export function waitForAccount(ms: number, signal?: AbortSignal): Promise<void> {
  const me = {};
  queue.push(me);
  const until = Date.now() + ms;
  return new Promise((resolve) => {
    const tick = () => {
      const place = queue.indexOf(me);
      const woken = place < wakeups;
      if (woken || Date.now() >= until || signal?.aborted) {
        if (woken) wakeups--;
        queue.splice(place, 1);
        resolve();
      } else setTimeout(tick, TICK_MS);
    };
    setTimeout(tick, TICK_MS);
  });
}
