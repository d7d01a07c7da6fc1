// The embedded in-process Store: same semantics as RedisStore, for `npm start` without Redis and
// for a single instance in test mode (config refuses it in prod, ENV-03). JavaScript runs one
// operation at a time, so every method below is atomic as long as it does not await.
import type { Json, RedeemGuard, Redemption, Store, WriteOp } from './store.js';

interface Entry {
  /** JSON text (a copy, as Redis would hold it) or a set of members. */
  value: string | Set<string>;
  expiresAt: number;
}

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #usedMarker: (key: string) => string;
  readonly #sweeper: NodeJS.Timeout;

  /** `now` is wall-clock milliseconds, as Redis keeps its TTLs; tests may pass their own. */
  constructor(usedMarker: (key: string) => string, now: () => number = Date.now) {
    this.#usedMarker = usedMarker;
    this.#now = now;
    this.#sweeper = setInterval(() => this.#sweep(), 30_000);
    this.#sweeper.unref();
  }

  get description(): string {
    return 'embedded in-process store';
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
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

  #put(key: string, value: Json, ttlMs: number): void {
    this.#entries.set(key, { value: JSON.stringify(value), expiresAt: this.#now() + Math.max(1, Math.ceil(ttlMs)) });
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
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
    this.#entries.delete(key);
    return JSON.parse(text) as T;
  }

  async redeem<T extends Json>(key: string, markerTtlMs: number, guard?: RedeemGuard): Promise<Redemption<T>> {
    const text = this.#text(key);
    if (text === null) return { state: 'missing' };
    const value = JSON.parse(text) as T;
    if (guard && (value === null || typeof value !== 'object' || Array.isArray(value) || (value as Record<string, unknown>)[guard.field] !== guard.equals)) {
      return { state: 'mismatch' };
    }
    const marker = this.#usedMarker(key);
    if (this.#live(marker)) return { state: 'used', value };
    this.#put(marker, 1, markerTtlMs);
    const entry = this.#live(key)!;
    entry.expiresAt = Math.max(entry.expiresAt, this.#now() + Math.max(1, Math.ceil(markerTtlMs)));
    return { state: 'fresh', value };
  }

  async del(...keys: string[]): Promise<void> {
    for (const key of keys) this.#entries.delete(key);
  }

  async addToSet(key: string, members: readonly string[], ttlMs: number): Promise<void> {
    this.#addToSet(key, members, ttlMs);
  }

  #addToSet(key: string, members: readonly string[], ttlMs: number): void {
    const entry = this.#live(key);
    const expiresAt = this.#now() + Math.max(1, Math.ceil(ttlMs));
    if (entry && typeof entry.value === 'string') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    if (entry) {
      for (const member of members) (entry.value as Set<string>).add(member);
      entry.expiresAt = expiresAt;
    } else if (members.length > 0) {
      this.#entries.set(key, { value: new Set(members), expiresAt });
    }
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
          this.#entries.delete(op.key);
          break;
        case 'sadd':
          this.#addToSet(op.key, op.members, op.ttlMs);
          break;
        case 'srem': {
          const value = this.#live(op.key)?.value;
          if (value instanceof Set) for (const member of op.members) value.delete(member);
          break;
        }
        case 'expire': {
          const entry = this.#live(op.key);
          if (entry) entry.expiresAt = this.#now() + Math.max(1, Math.ceil(op.ttlMs));
          break;
        }
      }
    }
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }
}
