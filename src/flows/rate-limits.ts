// Rate limits of the use cases (docs/interface.md, "Operations"), kept off the hot path: a
// successful flow never waits for a Redis round trip on their behalf.
//
// Counters are fixed windows in the store (store/rate-limits.ts: one atomic INCRBY+PEXPIRE Lua
// script per count), shared by every instance. Two kinds use them:
//
// - FailureLimit (failed client authentication per client_id). Only failures are counted, and
//   each failure waits for its count, so the limit is exact across instances. A success costs
//   nothing: it is checked against what this instance already knows (a client_id whose failures
//   went over the limit is blocked here until its window ends). Another instance learns of it at
//   its own next failure for that client_id, so all instances together allow at most the limit
//   plus one attempt per instance in a window. (Rejected identity numbers per login are counted
//   the same way, in flows/login.ts, per interaction instead of per window.)
// - TrafficLimit (/par per address and per client, /authorize per address, logins too large for
//   their cookie per client). Every request counts,
//   so the count must not cost a round trip: the request is decided at once by this instance's
//   view (the shared total it last learned plus what it has counted since), and its counts are
//   sent in batches, one increment per subject every `flushMs` in one pipeline for all limits,
//   which also tells it the shared total. Across instances the view lags by at most `flushMs`,
//   which is nothing against limits per minute. Redis sees one command per active subject per
//   200 ms instead of one per request.
//
// What an instance remembers is bounded (maxRemembered subjects per limit); the oldest are
// forgotten first. Their counts already sent stay in the store; a forgotten subject's counts of
// the last 200 ms, not sent yet, are lost, which only a flood from more than 10,000 subjects in a
// minute can cause, and then per-subject limits are not what holds it back.
import type { Clock } from '../clock.js';
import { rateLimited, type OAuthError } from '../errors.js';
import type { Metrics, RateLimitName } from '../operations/metrics.js';
import type { RateLimitCounters } from '../store/rate-limits.js';

export interface Verdict {
  allowed: boolean;
  /** Seconds until the window ends (for Retry-After). */
  retryAfter: number;
}

const allowed: Verdict = Object.freeze({ allowed: true, retryAfter: 0 });

/** Subjects an instance remembers per limit. */
const maxRemembered = 10_000;

/** How long counts of traffic limits wait before they are sent together. */
const flushMs = 200;

/**
 * One timer for all traffic limits of a provider, so that their counts leave together: one
 * pipeline (one write to Redis) every `flushMs` while there is traffic, none while there is not.
 */
export class CountBatches {
  readonly #limits: TrafficLimit[] = [];
  #timer: NodeJS.Timeout | undefined;

  add(limit: TrafficLimit): TrafficLimit {
    this.#limits.push(limit);
    return limit;
  }

  schedule(): void {
    this.#timer ??= setTimeout(() => void this.flush(), flushMs).unref();
  }

  /** Send every pending count now (tests call it instead of waiting). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#limits.map((limit) => limit.send()));
  }
}

/** A Map that forgets its oldest entries beyond maxRemembered. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > maxRemembered) map.delete(map.keys().next().value!);
}

abstract class WindowLimit {
  constructor(
    readonly name: RateLimitName,
    /** Events allowed per window; 0 turns the limit off. */
    readonly max: number,
    readonly windowMs: number,
    protected readonly counters: RateLimitCounters,
    protected readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  get enabled(): boolean {
    return this.max > 0;
  }

  protected windowOf(nowMs: number): number {
    return Math.floor(nowMs / this.windowMs);
  }

  protected refused(window: number, nowMs: number): Verdict {
    return { allowed: false, retryAfter: Math.max(1, Math.ceil(((window + 1) * this.windowMs - nowMs) / 1000)) };
  }

  /** The 429 of a refused request, counted in the metrics. */
  refusal(verdict: Verdict, description: string): OAuthError {
    this.metrics.rateLimited(this.name);
    return rateLimited(verdict.retryAfter, description);
  }
}

export class FailureLimit extends WindowLimit {
  /** Blocked subjects and the window they are blocked in. */
  readonly #blocked = new Map<string, number>();

  /** Whether this instance knows of any blocked subject (usually not: then nothing needs looking up). */
  get blocking(): boolean {
    return this.#blocked.size > 0;
  }

  /** What this instance knows: blocked until the window ends, or allowed. Counts nothing. */
  seen(subject: string): Verdict {
    if (!this.enabled) return allowed;
    const window = this.#blocked.get(subject);
    if (window === undefined) return allowed;
    const now = this.clock();
    if (window !== this.windowOf(now)) {
      this.#blocked.delete(subject);
      return allowed;
    }
    return this.refused(window, now);
  }

  /** Count one failure and decide by the shared count (one atomic increment, awaited). */
  async count(subject: string): Promise<Verdict> {
    if (!this.enabled) return allowed;
    const now = this.clock();
    const window = this.windowOf(now);
    const count = await this.counters.add(this.name, subject, 1, window, this.windowMs, now);
    if (count <= this.max) return allowed;
    remember(this.#blocked, subject, window);
    return this.refused(window, now);
  }
}

interface View {
  window: number;
  /** The shared total last learned from the store. */
  shared: number;
  /** Counted here and not yet sent. */
  pending: number;
}

export class TrafficLimit extends WindowLimit {
  readonly #views = new Map<string, View>();
  readonly #batches: CountBatches;

  constructor(name: RateLimitName, max: number, windowMs: number, counters: RateLimitCounters, clock: Clock, metrics: Metrics, batches: CountBatches) {
    super(name, max, windowMs, counters, clock, metrics);
    this.#batches = batches;
    batches.add(this);
  }

  /** Count one request of `subject` and decide at once, by this instance's view of the shared count. */
  take(subject: string): Verdict {
    if (!this.enabled) return allowed;
    const now = this.clock();
    const window = this.windowOf(now);
    let view = this.#views.get(subject);
    if (!view || view.window !== window) {
      view = { window, shared: 0, pending: 0 };
      remember(this.#views, subject, view);
    }
    view.pending++;
    this.#batches.schedule();
    return view.shared + view.pending > this.max ? this.refused(window, now) : allowed;
  }

  /** Send the pending counts (one atomic increment per subject) and learn the shared totals. */
  async send(): Promise<void> {
    const now = this.clock();
    const sends: Promise<void>[] = [];
    for (const [subject, view] of this.#views) {
      if (view.window !== this.windowOf(now) && view.pending === 0) {
        this.#views.delete(subject);
        continue;
      }
      if (view.pending === 0) continue;
      const events = view.pending;
      view.pending = 0;
      sends.push(
        this.counters.add(this.name, subject, events, view.window, this.windowMs, now).then(
          (total) => {
            // The total holds what was just sent; what was counted meanwhile is still pending.
            view.shared = Math.max(view.shared, total);
          },
          // Store away: the counts are lost, the requests were decided already.
          () => {},
        ),
      );
    }
    await Promise.all(sends);
  }
}

/**
 * The subject of a per-address limit: an IPv4 address, or the /64 network of an IPv6 address
 * (one host usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function addressSubject(ip: string): string {
  if (!ip.includes(':')) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The limits of the use cases, built once (services.ts). */
export interface Limits {
  /** The pending counts of the traffic limits; `flush` sends them at once. */
  batches: CountBatches;
  clientAuthentication: FailureLimit;
  parPerAddress: TrafficLimit;
  parPerClient: TrafficLimit;
  authorizePerAddress: TrafficLimit;
  /** Logins too large for their cookie keep their request in the store (flows/interactions.ts). */
  largeLoginsPerClient: TrafficLimit;
}

export function buildLimits(
  config: {
    readonly rateLimits: { readonly clientAuthenticationFailures: number; readonly parPerAddress: number; readonly parPerClient: number; readonly authorizePerAddress: number; readonly largeLoginsPerClient: number };
  },
  counters: RateLimitCounters,
  clock: Clock,
  metrics: Metrics,
): Limits {
  const minute = 60_000;
  const { rateLimits } = config;
  const batches = new CountBatches();
  const traffic = (name: RateLimitName, max: number) => new TrafficLimit(name, max, minute, counters, clock, metrics, batches);
  return {
    batches,
    clientAuthentication: new FailureLimit('client_authentication', rateLimits.clientAuthenticationFailures, minute, counters, clock, metrics),
    parPerAddress: traffic('par_per_address', rateLimits.parPerAddress),
    parPerClient: traffic('par_per_client', rateLimits.parPerClient),
    authorizePerAddress: traffic('authorize_per_address', rateLimits.authorizePerAddress),
    largeLoginsPerClient: traffic('large_logins_per_client', rateLimits.largeLoginsPerClient),
  };
}
