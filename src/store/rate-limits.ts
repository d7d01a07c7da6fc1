// Rate-limit counters, shared by every instance through the store (docs/interface.md,
// "Operations"): fixed windows aligned to the clock, one counter per limit, subject and window.
// Each count is one atomic increment (Store.increment: INCR and its first PEXPIRE in one Lua
// script), so concurrent requests on any instance are all counted, and every counter expires
// with its window: the number of keys is bounded by the subjects seen in one window.
import type { KeySpace } from './keys.js';
import type { Store } from './store.js';

export class RateLimitCounters {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** Count one event of `subject` under `limit` in the window of `windowMs` that holds `nowMs`. */
  count(limit: string, subject: string, windowMs: number, nowMs: number): Promise<number> {
    const window = Math.floor(nowMs / windowMs);
    // Kept a second past the window's end, so that instances a little apart in time agree.
    const ttlMs = (window + 1) * windowMs - nowMs + 1000;
    return this.store.increment(this.keys.rateLimit(limit, subject, window), ttlMs);
  }
}
