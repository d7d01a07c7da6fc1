// Route rate limits with @fastify/rate-limit, for endpoints whose pre-handler model fits (the
// administration API counts per caller): a route opts in with `config: { rateLimit: {...} }`
// (routeRateLimit). The counters are the provider's own (store/rate-limits.ts: one atomic
// INCRBY+PEXPIRE in Lua per count, on the shared Redis client), so every instance shares them and
// each counter expires with its window. A refusal is 429 with Retry-After in the ERR-03 shape
// (or the error page on browser routes) and is counted in op_rate_limited_total{limit="route"}.
// The protocol hot path (/par, /authorize, client authentication, the login) does not use this:
// flows/rate-limits.ts counts there without costing a round trip.
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../flows/services.js';
import { rateLimited } from '../errors.js';

interface StoreResult {
  current: number;
  ttl: number;
}

/** @fastify/rate-limit's store interface over the provider's counters, one namespace per route. */
function countersStore(services: Services) {
  return class RouteCounters {
    constructor(private readonly route = '') {}

    incr(key: string, callback: (error: Error | null, result?: StoreResult) => void, timeWindow: number): void {
      const now = services.clock();
      const window = Math.floor(now / timeWindow);
      const windowEnd = (window + 1) * timeWindow;
      services.rateLimitCounters.add(`route:${this.route}`, key, 1, window, timeWindow, now).then(
        (current) => callback(null, { current, ttl: windowEnd - now }),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: { routeInfo?: { url?: string } }): RouteCounters {
      return new RouteCounters(routeOptions.routeInfo?.url ?? this.route);
    }
  };
}

export async function registerRouteRateLimits(app: FastifyInstance): Promise<void> {
  const services = app.services;
  await app.register(rateLimit, {
    global: false,
    store: countersStore(services) as never,
    // Only Retry-After: the X-RateLimit-* headers would tell a caller how much more it may try.
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    onExceeded: () => services.metrics.rateLimited('route'),
    errorResponseBuilder: (_request, context) => rateLimited(Math.ceil(context.ttl / 1000), 'Too many requests; try again later'),
  });
}

/**
 * The `config.rateLimit` of a route: at most `max` requests per `windowMs` per key (the source
 * address unless `key` says otherwise, e.g. the authenticated caller of the admin API).
 */
export function routeRateLimit(max: number, windowMs: number, key?: (request: FastifyRequest) => string | Promise<string>, hook: 'onRequest' | 'preHandler' = key ? 'preHandler' : 'onRequest'): RateLimitOptions {
  return { max, timeWindow: windowMs, hook, ...(key ? { keyGenerator: key } : {}) };
}
