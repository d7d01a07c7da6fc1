// Rate-limit counters, shared by every instance through the store (docs/interface.md,
// "Operations"): fixed windows aligned to the clock, one counter per limit, subject and window.
// Each count is one atomic increment (Store.increment: INCRBY and its first PEXPIRE in one Lua
// script), so concurrent counts from any instance all add up, and every counter expires with its
// window: the number of keys is bounded by the subjects seen in one window.
import type { KeySpace } from './keys.js';
import type { Store } from './store.js';

export class RateLimitCounters {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** Add `events` events of `subject` under `limit` to window number `window` (of `windowMs`); the new total. */
  add(limit: string, subject: string, events: number, window: number, windowMs: number, nowMs: number): Promise<number> {
    // Kept a second past the window's end, so that instances a little apart in time agree.
    const ttlMs = Math.max(1000, (window + 1) * windowMs - nowMs + 1000);
    return this.store.increment(this.keys.rateLimit(limit, subject, window), events, ttlMs);
  }
}
