// Rate limits of the use cases (docs/interface.md, "Operations"), kept off the hot path: a
// successful flow must not pay a Redis round trip for them.
//
// - Limits on failures (client authentication per client_id; rejected identity numbers per
//   login, flows/login.ts) count only failures, which pay their round trip themselves. A success
//   is checked against what this instance already knows: a client_id whose failures went over
//   the limit is blocked here until its window ends. Another instance learns it at its own next
//   failure for that client_id, so all instances together allow at most the limit plus one
//   attempt per instance in a window.
// - Limits on traffic (/par per address and per client, /authorize per address) count with
//   `count`, issued in the same Promise.all as the request's own store operation: ioredis
//   auto-pipelining sends them in one write, so they add commands but no round trip. A request
//   with no store operation of its own uses `countInBackground`: it is decided by what this
//   instance has seen, and counted without being waited for.
//
// Counters are fixed windows in the store (store/rate-limits.ts), shared by every instance;
// what each instance remembers of blocked subjects is bounded (maxRemembered).
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

/** Subjects an instance remembers as blocked; past this the oldest are forgotten (they are still counted). */
const maxRemembered = 10_000;

export class WindowLimit {
  /** Blocked subjects and the end of their window (ms), in insertion order. */
  readonly #blocked = new Map<string, number>();

  constructor(
    readonly name: RateLimitName,
    /** Events allowed per window; 0 turns the limit off. */
    readonly max: number,
    readonly windowMs: number,
    private readonly counters: RateLimitCounters,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  get enabled(): boolean {
    return this.max > 0;
  }

  /** What this instance knows: blocked until its window ends, or allowed. Counts nothing. */
  seen(subject: string): Verdict {
    if (!this.enabled) return allowed;
    const until = this.#blocked.get(subject);
    if (until === undefined) return allowed;
    const now = this.clock();
    if (until <= now) {
      this.#blocked.delete(subject);
      return allowed;
    }
    return { allowed: false, retryAfter: Math.ceil((until - now) / 1000) };
  }

  /** Count one event and decide by the shared count (one atomic increment in the store). */
  async count(subject: string): Promise<Verdict> {
    if (!this.enabled) return allowed;
    const now = this.clock();
    const count = await this.counters.count(this.name, subject, this.windowMs, now);
    if (count <= this.max) return allowed;
    const until = (Math.floor(now / this.windowMs) + 1) * this.windowMs;
    this.#remember(subject, until);
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** Decide by what this instance has seen; count without waiting (a store failure is ignored). */
  countInBackground(subject: string): Verdict {
    if (!this.enabled) return allowed;
    const verdict = this.seen(subject);
    this.count(subject).catch(() => {});
    return verdict;
  }

  /** The 429 of a refused request, counted in the metrics. */
  refusal(verdict: Verdict, description: string): OAuthError {
    this.metrics.rateLimited(this.name);
    return rateLimited(verdict.retryAfter, description);
  }

  #remember(subject: string, until: number): void {
    this.#blocked.delete(subject);
    this.#blocked.set(subject, until);
    if (this.#blocked.size > maxRemembered) this.#blocked.delete(this.#blocked.keys().next().value!);
  }
}

/**
 * The subject of a per-address limit: an IPv4 address, or the /64 network of an IPv6 address
 * (one host usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function addressSubject(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
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
  clientAuthentication: WindowLimit;
  parPerAddress: WindowLimit;
  parPerClient: WindowLimit;
  authorizePerAddress: WindowLimit;
}

export function buildLimits(
  config: { readonly rateLimits: { readonly clientAuthenticationFailures: number; readonly parPerAddress: number; readonly parPerClient: number; readonly authorizePerAddress: number } },
  counters: RateLimitCounters,
  clock: Clock,
  metrics: Metrics,
): Limits {
  const minute = 60_000;
  const limit = (name: RateLimitName, max: number) => new WindowLimit(name, max, minute, counters, clock, metrics);
  return {
    clientAuthentication: limit('client_authentication', config.rateLimits.clientAuthenticationFailures),
    parPerAddress: limit('par_per_address', config.rateLimits.parPerAddress),
    parPerClient: limit('par_per_client', config.rateLimits.parPerClient),
    authorizePerAddress: limit('authorize_per_address', config.rateLimits.authorizePerAddress),
  };
}
