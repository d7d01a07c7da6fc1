// Prometheus metrics (docs/interface.md, "Operations"), in-process and cheap per request. The
// process defaults (CPU, memory, GC, event-loop lag) come from prom-client, collected once per
// process. The provider's own families are counted on the hot path (every request, every store
// operation), where prom-client's label hashing and exemplar checks cost several times more than
// the counting itself; so they are plain numbers in Maps, keyed by the label values, and written
// in the text exposition format (the same format prom-client writes) when /metrics is scraped.
// One set per provider (tests build many).
import { Registry, collectDefaultMetrics } from 'prom-client';

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
  /** A change made through the administration API (client_created, scope_updated …). */
  registryChange(event: string): void;
  /** This instance reloaded the live registry because its version moved. */
  registryReloaded(): void;
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

/** Prometheus text format: label values escape backslash, double quote and line feed. */
const escapeLabel = (value: string): string => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
const labelText = (names: readonly string[], values: readonly string[], extra = ''): string => {
  const pairs = names.map((name, i) => `${name}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) pairs.push(extra);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
};

interface Series<V> {
  labels: readonly string[];
  value: V;
}

/** A counter family; each label combination is a number in a Map. */
class CounterFamily {
  readonly #series = new Map<string, Series<number>>();
  constructor(
    private readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[] = [],
  ) {}

  /** Add one to the series `key` identifies; false when there is none yet (then `add` it). */
  inc(key: string): boolean {
    const series = this.#series.get(key);
    if (series) series.value++;
    return series !== undefined;
  }

  /** Start the series `key` with the label values `labels`, at one. */
  add(key: string, labels: readonly string[]): void {
    this.#series.set(key, { labels, value: 1 });
  }

  count(key: string, labels: readonly string[]): void {
    if (!this.inc(key)) this.add(key, labels);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.labelNames.length === 0 && this.#series.size === 0) lines.push(`${this.name} 0`);
    for (const { labels, value } of this.#series.values()) lines.push(`${this.name}${labelText(this.labelNames, labels)} ${value}`);
    return lines.join('\n');
  }
}

interface Buckets {
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram family; each label combination holds its bucket counts (not cumulative until rendered). */
class HistogramFamily {
  readonly #series = new Map<string, Series<Buckets>>();
  constructor(
    private readonly name: string,
    private readonly help: string,
    private readonly bounds: readonly number[],
    private readonly labelNames: readonly string[] = [],
  ) {}

  /** Start the series `key` with the label values `labels`, empty (before it is observed). */
  ensure(key: string, labels: readonly string[] = []): void {
    if (!this.#series.has(key)) this.#series.set(key, { labels, value: { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 } });
  }

  /** Record `value` in the series `key` (started with `ensure`, or now without labels). */
  observe(key: string, value: number): void {
    let series = this.#series.get(key);
    if (!series) {
      this.ensure(key);
      series = this.#series.get(key)!;
    }
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    series.value.counts[i]!++;
    series.value.sum += value;
    series.value.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    const all = this.#series.size === 0 && this.labelNames.length === 0 ? [{ labels: [], value: { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 } }] : [...this.#series.values()];
    for (const { labels, value } of all) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += value.counts[i]!;
        lines.push(`${this.name}_bucket${labelText(this.labelNames, labels, `le="${bound}"`)} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${labelText(this.labelNames, labels, 'le="+Inf"')} ${value.count}`);
      lines.push(`${this.name}_sum${labelText(this.labelNames, labels)} ${value.sum}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, labels)} ${value.count}`);
    }
    return lines.join('\n');
  }
}

const requestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const storeBuckets = [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export function createMetrics(): Metrics {
  const requests = new CounterFamily('op_http_requests_total', 'HTTP requests answered, by route pattern, method and status', ['route', 'method', 'status']);
  const durations = new HistogramFamily('op_http_request_duration_seconds', 'Time to answer an HTTP request, by route pattern', requestBuckets, ['route']);
  const logins = new CounterFamily('op_logins_total', 'Login submissions by result: success, refused (identity number or level), cancelled, rate_limited', ['result']);
  const tokens = new CounterFamily('op_tokens_issued_total', 'Token responses issued, by grant type', ['grant_type']);
  const replays = new CounterFamily('op_replays_detected_total', 'Replayed authorization codes and reused refresh tokens; each revoked a grant', ['kind']);
  const limited = new CounterFamily('op_rate_limited_total', 'Requests refused by a rate limit (429), by limit', ['limit']);
  const shed = new CounterFamily('op_load_shed_total', 'Requests refused (503) because the event loop lagged beyond OP_MAX_EVENT_LOOP_DELAY_MS');
  const storeErrors = new CounterFamily('op_store_errors_total', 'Store operations that failed because Redis could not serve');
  const storeLatency = new HistogramFamily('op_store_operation_duration_seconds', 'Time of a store operation (a round trip to Redis); a sample of one operation in 16', storeBuckets);
  const changes = new CounterFamily('op_registry_changes_total', 'Changes made through the administration API at this instance, by event', ['event']);
  const reloads = new CounterFamily('op_registry_reloads_total', 'Times this instance reloaded the live client and scope registry because its version moved');
  const families = [requests, durations, logins, tokens, replays, limited, shed, storeErrors, storeLatency, changes, reloads];
  const processDefaults = processMetrics();
  const none: readonly string[] = [];
  /** route → method → status → the series key of op_http_requests_total. */
  const requestKeys = new Map<string, Map<string, Map<number, string>>>();

  return {
    request(route, method, status, seconds) {
      // Unmatched paths share one label value, so a scan of random URLs cannot grow the series.
      const pattern = route ?? 'unmatched';
      // Looked up by the strings Fastify already holds: no key is built per request.
      let byMethod = requestKeys.get(pattern);
      if (!byMethod) {
        requestKeys.set(pattern, (byMethod = new Map()));
        durations.ensure(pattern, [pattern]);
      }
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = new Map()));
      let key = byStatus.get(status);
      if (key === undefined) {
        key = `${pattern} ${method} ${status}`;
        byStatus.set(status, key);
        requests.add(key, [pattern, method, String(status)]);
      } else requests.inc(key);
      durations.observe(pattern, seconds);
    },
    login: (result) => logins.count(result, [result]),
    tokenIssued: (grantType) => tokens.count(grantType, [grantType]),
    replayDetected: (kind) => replays.count(kind, [kind]),
    rateLimited: (limit) => limited.count(limit, [limit]),
    loadShed: () => shed.count('', none),
    registryChange: (event) => changes.count(event, [event]),
    registryReloaded: () => reloads.count('', none),
    storeOperation(seconds, failed) {
      if (failed) storeErrors.count('', none);
      else storeLatency.observe('', seconds);
    },
    async render() {
      return `${families.map((family) => family.render()).join('\n\n')}\n\n${await processDefaults.metrics()}`;
    },
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
  };
}
