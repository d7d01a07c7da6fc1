// The embedded in-process Store: same semantics as RedisStore, for `npm start` without Redis and
// for a single instance in test mode (config refuses it in prod, ENV-03). JavaScript runs one
// operation at a time, so every method below is atomic as long as it does not await.
//
// Bounded, like a Redis with maxmemory and volatile-ttl: at most `maxEntries` entries and about
// `maxBytes` bytes of keys and values. When a write would go beyond either, the entries that
// would expire soonest are evicted first (they had the least time left to matter). A heap ordered
// by expiry finds them without scanning; entries whose expiry changed leave stale heap items that
// are skipped when met and dropped when the heap is rebuilt.
import type { ClientRecordChange, ClientRecordSnapshot, ClientRecordWrite, ClientRegistryKeys, Json, RedeemGuard, Redemption, Store, WriteOp } from './store.js';

interface Entry {
  /** JSON text (a copy, as Redis would hold it) or a set of members. */
  value: string | Set<string>;
  expiresAt: number;
  /** What this entry counts against maxBytes. */
  bytes: number;
}

export interface MemoryStoreLimits {
  maxEntries: number;
  maxBytes: number;
}

/** Test mode serves one developer or one CI job: generous, and far below what kills a process. */
export const defaultMemoryStoreLimits: MemoryStoreLimits = Object.freeze({ maxEntries: 100_000, maxBytes: 64 * 1024 * 1024 });

/** Bookkeeping per entry beyond its key and value (the Map slot, the object, the heap item). */
const entryOverheadBytes = 100;

const sizeOf = (key: string, value: string | Set<string>): number => {
  let bytes = entryOverheadBytes + key.length;
  if (typeof value === 'string') bytes += value.length;
  else for (const member of value) bytes += member.length + 16;
  return bytes;
};

/** A binary min-heap of [expiresAt, key]. */
class ExpiryHeap {
  items: [number, string][] = [];

  push(item: [number, string]): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]![0] <= item[0]) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  peek(): [number, string] | undefined {
    return this.items[0];
  }

  pop(): [number, string] | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]![0] < items[left]![0] ? right : left;
      if (items[child]![0] >= last[0]) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #heap = new ExpiryHeap();
  #bytes = 0;
  readonly #now: () => number;
  readonly #usedMarker: (key: string) => string;
  readonly #limits: MemoryStoreLimits;
  readonly #sweeper: NodeJS.Timeout;

  /** `now` is wall-clock milliseconds, as Redis keeps its TTLs; tests may pass their own. */
  constructor(usedMarker: (key: string) => string, now: () => number = Date.now, limits: MemoryStoreLimits = defaultMemoryStoreLimits) {
    this.#usedMarker = usedMarker;
    this.#now = now;
    this.#limits = limits;
    this.#sweeper = setInterval(() => this.#sweep(), 30_000);
    this.#sweeper.unref();
  }

  get description(): string {
    return 'embedded in-process store';
  }

  /** Entries held, live or expired but not yet swept. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes held, as counted against maxBytes. */
  get bytes(): number {
    return this.#bytes;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#delete(key);
      return undefined;
    }
    return entry;
  }

  #text(key: string): string | null {
    const value = this.#live(key)?.value;
    if (value === undefined) return null;
    if (typeof value !== 'string') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    return value;
  }

  #expiry(ttlMs: number): number {
    return this.#now() + Math.max(1, Math.ceil(ttlMs));
  }

  /** Every insertion and growth goes through here: room is made first, then the entry is kept. */
  #store(key: string, value: string | Set<string>, expiresAt: number): void {
    this.#delete(key);
    const bytes = sizeOf(key, value);
    this.#makeRoom(bytes);
    this.#entries.set(key, { value, expiresAt, bytes });
    this.#bytes += bytes;
    this.#heap.push([expiresAt, key]);
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  #setExpiry(key: string, entry: Entry, expiresAt: number): void {
    entry.expiresAt = expiresAt;
    this.#heap.push([expiresAt, key]);
    // Stale heap items pile up when expiries change often; rebuild before they outnumber entries.
    if (this.#heap.items.length > 2 * this.#entries.size + 1024) this.#rebuildHeap();
  }

  #rebuildHeap(): void {
    this.#heap.items = [];
    for (const [key, entry] of this.#entries) this.#heap.push([entry.expiresAt, key]);
  }

  /** Evict soonest-expiring entries until one more entry of `bytes` fits. */
  #makeRoom(bytes: number): void {
    const { maxEntries, maxBytes } = this.#limits;
    while (this.#entries.size > 0 && (this.#entries.size + 1 > maxEntries || this.#bytes + bytes > maxBytes)) {
      const item = this.#heap.pop();
      if (!item) {
        this.#rebuildHeap();
        continue;
      }
      const entry = this.#entries.get(item[1]);
      if (entry && entry.expiresAt === item[0]) this.#delete(item[1]);
    }
  }

  #put(key: string, value: Json, ttlMs: number): void {
    this.#store(key, JSON.stringify(value), this.#expiry(ttlMs));
  }

  #sweep(): void {
    const now = this.#now();
    for (let item = this.#heap.peek(); item && item[0] <= now; item = this.#heap.peek()) {
      this.#heap.pop();
      const entry = this.#entries.get(item[1]);
      if (entry && entry.expiresAt === item[0]) this.#delete(item[1]);
    }
  }

  async get<T extends Json>(key: string): Promise<T | null> {
    const text = this.#text(key);
    return text === null ? null : (JSON.parse(text) as T);
  }

  async getMany<T extends Json>(keys: readonly string[]): Promise<(T | null)[]> {
    return keys.map((key) => {
      const text = this.#text(key);
      return text === null ? null : (JSON.parse(text) as T);
    });
  }

  async set(key: string, value: Json, ttlMs: number): Promise<void> {
    this.#put(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: Json, ttlMs: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#put(key, value, ttlMs);
    return true;
  }

  async take<T extends Json>(key: string): Promise<T | null> {
    const text = this.#text(key);
    if (text === null) return null;
    this.#delete(key);
    return JSON.parse(text) as T;
  }

  async redeem<T extends Json>(key: string, markerTtlMs: number, guards: readonly RedeemGuard[] = [], keep?: readonly string[]): Promise<Redemption<T>> {
    const text = this.#text(key);
    if (text === null) return { state: 'missing' };
    const value = JSON.parse(text) as T;
    const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    for (const guard of guards) {
      const actual = record?.[guard.field] ?? null;
      if (actual !== guard.equals) return { state: 'mismatch', field: guard.field, absent: actual === null };
    }
    const marker = this.#usedMarker(key);
    if (this.#live(marker)) return { state: 'used', value };
    this.#put(marker, 1, markerTtlMs);
    if (keep) {
      // The tombstone: the guards' fields and the kept ones, nothing else.
      const fields = new Set([...guards.map((guard) => guard.field), ...keep]);
      const tombstone = Object.fromEntries([...fields].filter((field) => record?.[field] !== undefined).map((field) => [field, record![field]]));
      this.#store(key, JSON.stringify(tombstone), this.#expiry(markerTtlMs));
      return { state: 'fresh', value };
    }
    // The marker may have evicted the record itself; the record is what was redeemed.
    const entry = this.#live(key);
    if (entry) this.#setExpiry(key, entry, Math.max(entry.expiresAt, this.#expiry(markerTtlMs)));
    return { state: 'fresh', value };
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    const entry = this.#live(key);
    if (entry && typeof entry.value !== 'string') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    const count = (entry ? Number(entry.value) : 0) + by;
    if (entry) entry.value = String(count);
    else this.#store(key, String(count), this.#expiry(ttlMs));
    return count;
  }

  async del(...keys: string[]): Promise<void> {
    for (const key of keys) this.#delete(key);
  }

  async addToSet(key: string, members: readonly string[], ttlMs: number): Promise<void> {
    this.#addToSet(key, members, ttlMs);
  }

  #addToSet(key: string, members: readonly string[], ttlMs: number): void {
    const entry = this.#live(key);
    if (entry && typeof entry.value === 'string') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    if (!entry && members.length === 0) return;
    const set = new Set(entry ? (entry.value as Set<string>) : []);
    for (const member of members) set.add(member);
    this.#store(key, set, this.#expiry(ttlMs));
  }

  async members(key: string): Promise<string[]> {
    const value = this.#live(key)?.value;
    if (value === undefined) return [];
    if (typeof value === 'string') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    return [...value];
  }

  async write(ops: readonly WriteOp[]): Promise<void> {
    for (const op of ops) {
      switch (op.op) {
        case 'set':
          this.#put(op.key, op.value, op.ttlMs);
          break;
        case 'create':
          if (!this.#live(op.key)) this.#put(op.key, op.value, op.ttlMs);
          break;
        case 'del':
          this.#delete(op.key);
          break;
        case 'sadd':
          this.#addToSet(op.key, op.members, op.ttlMs);
          break;
        case 'srem': {
          const entry = this.#live(op.key);
          if (entry && entry.value instanceof Set) {
            for (const member of op.members) entry.value.delete(member);
            this.#bytes -= entry.bytes;
            entry.bytes = sizeOf(op.key, entry.value);
            this.#bytes += entry.bytes;
          }
          break;
        }
        case 'expire': {
          const entry = this.#live(op.key);
          if (entry) this.#setExpiry(op.key, entry, this.#expiry(op.ttlMs));
          break;
        }
      }
    }
  }

  // The live client registry lives beside the entries, outside eviction: it is configuration,
  // bounded by the number of clients the API accepts (as on Redis, where its keys have no TTL).
  readonly #clientRecords = new Map<string, string>();
  readonly #scopeRecords = new Map<string, string>();
  readonly #clientKids = new Map<string, string>();
  #clientVersion = 0;

  async changeClientRecord(_keys: ClientRegistryKeys, change: ClientRecordChange): Promise<ClientRecordWrite> {
    const records = change.collection === 'scopes' ? this.#scopeRecords : this.#clientRecords;
    const existing = records.get(change.clientId);
    if (change.op === 'create') {
      if (existing !== undefined) return { state: 'exists' };
      if (records.size >= change.maxRecords) return { state: 'full' }; // ADMIN-01: OP_MAX_API_CLIENTS
    } else if (existing === undefined) return { state: 'missing' };
    // ADMIN-02: a list change is written only over the record it was made from (compare-and-set).
    if (change.op === 'update' && change.expected !== undefined && existing !== change.expected) return { state: 'conflict' };
    const kids = change.op === 'delete' ? [] : change.kids;
    // CLIENT-07: a kid held by another client refuses the whole change.
    for (const kid of kids) {
      const owner = this.#clientKids.get(kid);
      if (owner !== undefined && owner !== change.clientId) return { state: 'kid_taken', kid };
    }
    if (change.collection !== 'scopes') for (const [kid, owner] of [...this.#clientKids]) if (owner === change.clientId) this.#clientKids.delete(kid);
    if (change.op === 'delete') records.delete(change.clientId);
    else {
      records.set(change.clientId, change.record);
      for (const kid of kids) this.#clientKids.set(kid, change.clientId);
    }
    return { state: 'written', version: ++this.#clientVersion };
  }

  async clientRecordsVersion(): Promise<number> {
    return this.#clientVersion;
  }

  async readClientRecords(): Promise<ClientRecordSnapshot> {
    return { version: this.#clientVersion, records: new Map(this.#clientRecords), scopes: new Map(this.#scopeRecords) };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#entries.clear();
    this.#heap.items = [];
    this.#bytes = 0;
  }
}
