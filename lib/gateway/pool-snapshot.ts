/**
 * @module gateway/pool-snapshot
 * The pool's state is not historical (cooling and quarantine are columns of now), so the data center's
 * capacity chart reads snapshots: at most one per isolate and 10-minute slot, written with `waitUntil` from
 * housekeeping, one row per slot across isolates, pruned with the log retention.
 */
import { countTokensByState } from '@/lib/db/tokens';
import { insertPoolSnapshot, POOL_SNAPSHOT_SLOT_MS, prunePoolSnapshots } from '@/lib/db/pool-snapshots';
import type { GatewayContext } from './context';

type SnapshotContext = Pick<GatewayContext, 'db' | 'now' | 'settings'> & { platform: Pick<GatewayContext['platform'], 'waitUntil'> };

/** A snapshot writer with its own memory of the last slot written (one per isolate; tests make their own). */
export function createPoolSnapshotter({ slotMs = POOL_SNAPSHOT_SLOT_MS }: { slotMs?: number } = {}) {
  let lastSlot = -1;
  return function snapshotPoolWhenDue(ctx: SnapshotContext): void {
    const now = ctx.now();
    const slot = Math.floor(now / slotMs) * slotMs;
    if (slot === lastSlot) return;
    lastSlot = slot;
    const write = async () => {
      const { total: _total, active, ...rest } = await countTokensByState(ctx.db, now);
      await insertPoolSnapshot(ctx.db, slot, { available: active, cooling: rest.cooling, quarantined: rest.quarantined, invalid: rest.invalid, disabled: rest.disabled });
      await prunePoolSnapshots(ctx.db, now - ctx.settings.log_retention_days * 86_400_000);
    };
    ctx.platform.waitUntil(
      write().catch(() => {
        // A later request of this slot tries again.
        if (lastSlot === slot) lastSlot = -1;
      }),
    );
  };
}

export const snapshotPoolWhenDue = createPoolSnapshotter();
