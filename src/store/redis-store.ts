// The Redis implementation of Store. Single-use operations are one atomic command each:
// GETDEL for take, SET NX for setIfAbsent, a Lua script for redeem. Never find-then-delete.
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient, RedisTopology } from './redis-connection.js';
import { StoreUnavailableError, type Json, type RedeemGuard, type Redemption, type Store, type WriteOp } from './store.js';

// KEYS[1] the record, KEYS[2] its use marker (same hash tag). ARGV[1] marker TTL in ms; ARGV[2]
// and ARGV[3], when given, a field of the JSON record and the value it must have.
// Returns false when the record is gone, {2} on a guard mismatch (nothing marked), else
// {1 = first use | 0 = replay, record}. The first use also keeps the record as long as the
// marker, so a replay can still be answered.
const redeemScript = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
if ARGV[2] then
  local ok, record = pcall(cjson.decode, v)
  if not ok or type(record) ~= 'table' or record[ARGV[2]] ~= ARGV[3] then return {2} end
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
  return {1, v}
end
return {0, v}
`;

interface RedeemCommand {
  opRedeem(record: string, marker: string, markerTtlMs: number, ...guard: string[]): Promise<[number, string?] | null>;
}

const parse = <T extends Json>(raw: string | null | undefined): T | null => (raw == null ? null : (JSON.parse(raw) as T));

const ttl = (ms: number): number => Math.max(1, Math.ceil(ms));

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly #client: (Redis | Cluster) & Partial<RedeemCommand>;
  readonly #topology: RedisTopology;
  readonly #usedMarker: (key: string) => string;
  /** Connection trouble (ioredis reconnects by itself); server.ts points this at the log. */
  onConnectionError: (error: Error) => void = () => {};

  constructor(client: RedisClient, topology: RedisTopology, usedMarker: (key: string) => string) {
    this.#client = client;
    this.#topology = topology;
    this.#usedMarker = usedMarker;
    client.defineCommand('opRedeem', { numberOfKeys: 2, lua: redeemScript });
    client.on('error', (error: Error) => this.onConnectionError(error));
  }

  /** Where this store points, without credentials (for messages and /readyz). */
  get description(): string {
    return this.#topology.description;
  }

  async connect(timeoutMs = 5000): Promise<void> {
    const client = this.#client;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.status === 'wait' ? client.connect() : Promise.resolve(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      await this.ping();
    } catch (error) {
      client.disconnect();
      const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
      throw new StoreUnavailableError(`cannot reach Redis at ${this.description} (${reason})`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async get<T extends Json>(key: string): Promise<T | null> {
    return parse<T>(await this.#client.get(key));
  }

  async getMany<T extends Json>(keys: readonly string[]): Promise<(T | null)[]> {
    // Separate GETs, not MGET: MGET cannot span Cluster slots. Auto-pipelining sends them together.
    const raws = await Promise.all(keys.map((key) => this.#client.get(key)));
    return raws.map((raw) => parse<T>(raw));
  }

  async set(key: string, value: Json, ttlMs: number): Promise<void> {
    await this.#client.set(key, JSON.stringify(value), 'PX', ttl(ttlMs));
  }

  async setIfAbsent(key: string, value: Json, ttlMs: number): Promise<boolean> {
    return (await this.#client.set(key, JSON.stringify(value), 'PX', ttl(ttlMs), 'NX')) === 'OK';
  }

  async take<T extends Json>(key: string): Promise<T | null> {
    return parse<T>(await this.#client.getdel(key));
  }

  async redeem<T extends Json>(key: string, markerTtlMs: number, guard?: RedeemGuard): Promise<Redemption<T>> {
    const redeem = this.#client.opRedeem;
    if (!redeem) throw new Error('opRedeem script is not defined');
    const result = await redeem.call(this.#client, key, this.#usedMarker(key), ttl(markerTtlMs), ...(guard ? [guard.field, guard.equals] : []));
    if (!result) return { state: 'missing' };
    if (Number(result[0]) === 2) return { state: 'mismatch' };
    const value = parse<T>(result[1]) as T;
    return Number(result[0]) === 1 ? { state: 'fresh', value } : { state: 'used', value };
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await Promise.all(keys.map((key) => this.#client.del(key)));
  }

  async addToSet(key: string, members: readonly string[], ttlMs: number): Promise<void> {
    await this.write([{ op: 'sadd', key, members: [...members], ttlMs }]);
  }

  async members(key: string): Promise<string[]> {
    return this.#client.smembers(key);
  }

  async write(ops: readonly WriteOp[]): Promise<void> {
    const client = this.#client;
    const pending: Promise<unknown>[] = [];
    for (const op of ops) {
      switch (op.op) {
        case 'set':
          pending.push(client.set(op.key, JSON.stringify(op.value), 'PX', ttl(op.ttlMs)));
          break;
        case 'create':
          pending.push(client.set(op.key, JSON.stringify(op.value), 'PX', ttl(op.ttlMs), 'NX'));
          break;
        case 'del':
          pending.push(client.del(op.key));
          break;
        case 'sadd':
          if (op.members.length > 0) pending.push(client.sadd(op.key, ...op.members));
          pending.push(client.pexpire(op.key, ttl(op.ttlMs)));
          break;
        case 'srem':
          if (op.members.length > 0) pending.push(client.srem(op.key, ...op.members));
          break;
        case 'expire':
          pending.push(client.pexpire(op.key, ttl(op.ttlMs)));
          break;
      }
    }
    await Promise.all(pending);
  }

  async ping(): Promise<void> {
    await this.#client.ping();
  }

  async close(): Promise<void> {
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }
}
