// Prometheus metrics (docs/interface.md, "Operations"), in-process and cheap per request: every
// instrument with labels keeps its children in a Map, so a request costs a lookup and an
// increment, never a label hash. One registry per provider (tests build many); the process
// defaults (CPU, memory, GC, event-loop lag) are collected once per process and appended.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every rate limit that can refuse a request (flows/rate-limits.ts, http/rate-limit.ts). */
export type RateLimitName = 'client_authentication' | 'login_attempts' | 'par_per_address' | 'par_per_client' | 'authorize_per_address' | 'large_logins_per_client' | 'route';

export type LoginResult = 'success' | 'refused' | 'cancelled' | 'rate_limited';

/** What the use cases and the HTTP layer tell the metrics. */
export interface Metrics {
  /** One answered HTTP request: the route pattern (not the path), method, status and duration. */
  request(route: string | undefined, method: string, status: number, seconds: number): void;
  login(result: LoginResult): void;
  tokenIssued(grantType: 'authorization_code' | 'refresh_token'): void;
  /** TOKEN-11 code replay, TOKEN-14 refresh token reuse: each revokes a grant. */
  replayDetected(kind: 'authorization_code' | 'refresh_token'): void;
  rateLimited(limit: RateLimitName): void;
  loadShed(): void;
  /** One store operation (Redis latency) and whether the store failed it. */
  storeOperation(seconds: number, failed: boolean): void;
  /** The text exposition format, and its content type. */
  render(): Promise<string>;
  readonly contentType: string;
}

let processRegistry: Registry | undefined;

/** Process-wide defaults, registered once however many providers a process builds. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const requestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const storeBuckets = [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** A counter's children by label values, looked up without hashing label objects. */
function childrenOf<Labels extends string>(counter: Counter<Labels>): (key: string, labels: Record<Labels, string>) => { inc(): void } {
  const children = new Map<string, { inc(): void }>();
  return (key, labels) => {
    let child = children.get(key);
    if (!child) {
      child = counter.labels(labels);
      children.set(key, child);
    }
    return child;
  };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const requests = new Counter({ name: 'op_http_requests_total', help: 'HTTP requests answered, by route pattern, method and status', labelNames: ['route', 'method', 'status'] as const, registers: [registry] });
  const durations = new Histogram({ name: 'op_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route pattern', labelNames: ['route'] as const, buckets: requestBuckets, registers: [registry] });
  const logins = new Counter({ name: 'op_logins_total', help: 'Login submissions by result: success, refused (identity number or level), cancelled, rate_limited', labelNames: ['result'] as const, registers: [registry] });
  const tokens = new Counter({ name: 'op_tokens_issued_total', help: 'Token responses issued, by grant type', labelNames: ['grant_type'] as const, registers: [registry] });
  const replays = new Counter({ name: 'op_replays_detected_total', help: 'Replayed authorization codes and reused refresh tokens; each revoked a grant', labelNames: ['kind'] as const, registers: [registry] });
  const limited = new Counter({ name: 'op_rate_limited_total', help: 'Requests refused by a rate limit (429), by limit', labelNames: ['limit'] as const, registers: [registry] });
  const shed = new Counter({ name: 'op_load_shed_total', help: 'Requests refused (503) because the event loop lagged beyond OP_MAX_EVENT_LOOP_DELAY_MS', registers: [registry] });
  const storeErrors = new Counter({ name: 'op_store_errors_total', help: 'Store operations that failed because Redis could not serve', registers: [registry] });
  const storeLatency = new Histogram({ name: 'op_store_operation_duration_seconds', help: 'Time of one store operation (one round trip to Redis)', buckets: storeBuckets, registers: [registry] });

  const requestChild = childrenOf(requests);
  const durationChildren = new Map<string, { observe(value: number): void }>();
  const loginChild = childrenOf(logins);
  const tokenChild = childrenOf(tokens);
  const replayChild = childrenOf(replays);
  const limitChild = childrenOf(limited);
  const processDefaults = processMetrics();

  return {
    request(route, method, status, seconds) {
      // Unmatched paths share one label value, so a scan of random URLs cannot grow the series.
      const pattern = route ?? 'unmatched';
      requestChild(`${pattern} ${method} ${status}`, { route: pattern, method, status: String(status) }).inc();
      let duration = durationChildren.get(pattern);
      if (!duration) {
        duration = durations.labels({ route: pattern });
        durationChildren.set(pattern, duration);
      }
      duration.observe(seconds);
    },
    login: (result) => loginChild(result, { result }).inc(),
    tokenIssued: (grantType) => tokenChild(grantType, { grant_type: grantType }).inc(),
    replayDetected: (kind) => replayChild(kind, { kind }).inc(),
    rateLimited: (limit) => limitChild(limit, { limit }).inc(),
    loadShed: () => shed.inc(),
    storeOperation(seconds, failed) {
      storeLatency.observe(seconds);
      if (failed) storeErrors.inc();
    },
    async render() {
      return `${await registry.metrics()}\n${await processDefaults.metrics()}`;
    },
    contentType: registry.contentType,
  };
}
