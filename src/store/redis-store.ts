// The Redis implementation of Store. Single-use operations are one atomic command each:
// GETDEL for take, SET NX for setIfAbsent, a Lua script for redeem. Never find-then-delete.
import { ReplyError, type Cluster, type Redis } from 'ioredis';
import type { RedisClient, RedisTopology } from './redis-connection.js';
import {
  StoreUnavailableError,
  type ClientRecordChange,
  type ClientRecordSnapshot,
  type ClientRecordWrite,
  type ClientRegistryKeys,
  type Json,
  type RedeemGuard,
  type Redemption,
  type Store,
  type StoreObserver,
  type WriteOp,
} from './store.js';

// KEYS[1] the record, KEYS[2] its use marker (same hash tag). ARGV[1] marker TTL in ms; ARGV[2]
// the fields a tombstone keeps, comma-separated ('' = no tombstone: the whole record is kept);
// then pairs of a top-level field of the JSON record and the value it must have ('' = must be
// absent). Returns false when the record is gone, {2, i, absent} when guard i fails (nothing
// marked), else {1 = first use | 0 = replay, record}. The first use keeps the record as long as
// the marker (or replaces it by its tombstone for that long), so a replay can still be answered.
// The guards compare hashes and ids, not secrets, so a plain comparison is fine here.
const redeemScript = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local record
if #ARGV > 2 or ARGV[2] ~= '' then
  local ok, decoded = pcall(cjson.decode, v)
  if not ok or type(decoded) ~= 'table' then return {2, 1, 1} end
  record = decoded
end
for i = 3, #ARGV, 2 do
  local actual = record[ARGV[i]]
  if actual == cjson.null then actual = nil end
  local expected = ARGV[i + 1]
  if expected == '' then
    if actual ~= nil then return {2, (i - 1) / 2, 0} end
  elseif actual ~= expected then
    return {2, (i - 1) / 2, actual == nil and 1 or 0}
  end
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
  if ARGV[2] ~= '' then
    local tombstone = {}
    for field in string.gmatch(ARGV[2], '[^,]+') do tombstone[field] = record[field] end
    redis.call('SET', KEYS[1], cjson.encode(tombstone), 'PX', ARGV[1])
  elseif redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
  end
  return {1, v}
end
return {0, v}
`;

// Member lists (a session's participants, a grant's issued tokens) are kept as the field names of
// a hash: Redis 7.0 stores a small set of strings as a hash table (216 bytes with one member) but
// a small hash as a listpack (104 bytes), and every live session and grant holds one. A list
// written as a set by an earlier version stays a set until it expires, so each script asks the
// key's type first. KEYS[1] the list; ARGV[1] the TTL in ms (add only), then the members.
const addMembersScript = `
if redis.call('TYPE', KEYS[1]).ok == 'set' then
  redis.call('SADD', KEYS[1], unpack(ARGV, 2))
else
  local fields = {}
  for i = 2, #ARGV do fields[#fields + 1] = ARGV[i]; fields[#fields + 1] = '' end
  redis.call('HSET', KEYS[1], unpack(fields))
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
`;
const removeMembersScript = `
if redis.call('TYPE', KEYS[1]).ok == 'set' then return redis.call('SREM', KEYS[1], unpack(ARGV)) end
return redis.call('HDEL', KEYS[1], unpack(ARGV))
`;
const membersScript = `
if redis.call('TYPE', KEYS[1]).ok == 'set' then return redis.call('SMEMBERS', KEYS[1]) end
return redis.call('HKEYS', KEYS[1])
`;

// KEYS[1] a counter, ARGV[1] what to add, ARGV[2] its TTL in ms. INCRBY and the first PEXPIRE
// run as one atomic step, so a counter is never left without an expiry (a crash between two
// commands would leave one).
const incrementScript = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return count
`;

// ADMIN-01, ADMIN-02, CLIENT-07, CLIENT-17: one change of the live client registry as one atomic step
// (ADMIN-02: an update carrying the record it was made from is a compare-and-set).
// KEYS[1] the records (hash client_id -> JSON), KEYS[2] the kid index (hash kid -> client_id),
// KEYS[3] the version counter. ARGV[1] create | update | delete, ARGV[2] the client_id, ARGV[3]
// the record ('' for delete), ARGV[4] the most records a create may leave (0 otherwise), ARGV[5]
// the first version (the caller's clock in ms), ARGV[6] the record an update expects to replace
// ('' = any; another one is 'conflict'), then the record's kids. CLIENT-07: a kid held by
// another client refuses the whole change, so of two concurrent writes with one kid exactly one
// wins. The client's previous kids are released. CLIENT-17: a registry that lost its version (a
// Redis that lost its data) starts again at the clock, never at 1, so no instance can mistake the
// new registry for the one it loaded before.
const clientChangeScript = `
local op, id = ARGV[1], ARGV[2]
local existing = redis.call('HGET', KEYS[1], id)
if op == 'create' then
  if existing then return {'exists'} end
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return {'full'} end
elseif not existing then
  return {'missing'}
elseif ARGV[6] ~= '' and existing ~= ARGV[6] then
  return {'conflict'}
end
for i = 7, #ARGV do
  local owner = redis.call('HGET', KEYS[2], ARGV[i])
  if owner and owner ~= id then return {'kid_taken', ARGV[i]} end
end
if existing then
  local ok, old = pcall(cjson.decode, existing)
  if ok and type(old) == 'table' and type(old.jwks) == 'table' and type(old.jwks.keys) == 'table' then
    for _, key in ipairs(old.jwks.keys) do
      if type(key) == 'table' and type(key.kid) == 'string' and redis.call('HGET', KEYS[2], key.kid) == id then
        redis.call('HDEL', KEYS[2], key.kid)
      end
    end
  end
end
if op == 'delete' then
  redis.call('HDEL', KEYS[1], id)
else
  redis.call('HSET', KEYS[1], id, ARGV[3])
  for i = 7, #ARGV do redis.call('HSET', KEYS[2], ARGV[i], id) end
end
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('SET', KEYS[3], ARGV[5])
  return {'written', tonumber(ARGV[5])}
end
return {'written', redis.call('INCR', KEYS[3])}
`;

interface RedeemCommand {
  opRedeem(record: string, marker: string, markerTtlMs: number, tombstone: string, ...guards: string[]): Promise<[number, (string | number)?, number?] | null>;
  opIncrement(key: string, by: number, ttlMs: number): Promise<number>;
  opAddMembers(key: string, ttlMs: number, ...members: string[]): Promise<unknown>;
  opRemoveMembers(key: string, ...members: string[]): Promise<unknown>;
  opMembers(key: string): Promise<string[]>;
  opClientChange(records: string, kids: string, version: string, ...args: (string | number)[]): Promise<[string, (string | number)?]>;
}

const parse = <T extends Json>(raw: string | null | undefined): T | null => (raw == null ? null : (JSON.parse(raw) as T));

const ttl = (ms: number): number => Math.max(1, Math.ceil(ms));

const nothing = (): void => undefined;

/** CLIENT-17: where a registry version counter starts (see clientChangeScript). */
const firstVersion = (): number => Date.now();

/**
 * Replies by which Redis says it cannot serve now (still loading, a script too slow, a failover
 * or read-only replica, out of memory): an outage, not a bug of ours. Any other reply error is
 * ours and stays a 500.
 */
const unavailableReply = /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS|MISCONF)\b/;

/** Why a command failed, for the log: an errno code or ioredis' message, never a value. */
const reasonOf = (error: unknown): string =>
  error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message.slice(0, 100)) : String(error).slice(0, 100);

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly #client: (Redis | Cluster) & Partial<RedeemCommand>;
  readonly #topology: RedisTopology;
  readonly #usedMarker: (key: string) => string;
  /** Connection trouble (ioredis reconnects by itself); server.ts points this at the log. */
  onConnectionError: (error: Error) => void = () => {};
  #observe: StoreObserver = () => {};
  #operations = 0;

  constructor(client: RedisClient, topology: RedisTopology, usedMarker: (key: string) => string) {
    this.#client = client;
    this.#topology = topology;
    this.#usedMarker = usedMarker;
    client.defineCommand('opRedeem', { numberOfKeys: 2, lua: redeemScript });
    client.defineCommand('opIncrement', { numberOfKeys: 1, lua: incrementScript });
    client.defineCommand('opAddMembers', { numberOfKeys: 1, lua: addMembersScript });
    client.defineCommand('opRemoveMembers', { numberOfKeys: 1, lua: removeMembersScript });
    client.defineCommand('opMembers', { numberOfKeys: 1, lua: membersScript });
    client.defineCommand('opClientChange', { numberOfKeys: 3, lua: clientChangeScript });
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
      const cause = error instanceof StoreUnavailableError ? error.cause : error;
      throw new StoreUnavailableError(`cannot reach Redis at ${this.description} (${reasonOf(cause)})`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Every operation ends here: a connection or timeout failure, or a reply by which Redis says it
   * cannot serve, becomes StoreUnavailableError (503, never a hang); any other reply error is a
   * bug of ours and stays itself (500).
   */
  readonly #failed = (error: unknown): never => {
    if (error instanceof ReplyError && !unavailableReply.test((error as Error).message)) throw error;
    this.#observe(0, true);
    throw new StoreUnavailableError(`Redis at ${this.description} cannot serve (${reasonOf(error)})`, { cause: error });
  };

  /**
   * `reply` with failures mapped (#failed) and its answer turned into `T` by `then`: one promise
   * per operation. The commands are issued before this is called, synchronously, so
   * auto-pipelining sends the commands of one request together. One operation in 16 is also
   * timed for the latency metric: a sample is enough for a histogram, and the others pay nothing.
   */
  #track<R, T>(reply: Promise<R>, then: (value: R) => T): Promise<T> {
    if ((++this.#operations & 15) === 0) {
      const start = performance.now();
      reply.then(
        () => this.#observe((performance.now() - start) / 1000, false),
        () => {},
      );
    }
    return reply.then(then, this.#failed);
  }

  instrument(observe: StoreObserver): void {
    this.#observe = observe;
  }

  get<T extends Json>(key: string): Promise<T | null> {
    return this.#track(this.#client.get(key), parse<T>);
  }

  getMany<T extends Json>(keys: readonly string[]): Promise<(T | null)[]> {
    // Separate GETs, not MGET: MGET cannot span Cluster slots. Auto-pipelining sends them together.
    return this.#track(Promise.all(keys.map((key) => this.#client.get(key))), (raws) => raws.map((raw) => parse<T>(raw)));
  }

  set(key: string, value: Json, ttlMs: number): Promise<void> {
    return this.#track(this.#client.set(key, JSON.stringify(value), 'PX', ttl(ttlMs)), nothing);
  }

  setIfAbsent(key: string, value: Json, ttlMs: number): Promise<boolean> {
    return this.#track(this.#client.set(key, JSON.stringify(value), 'PX', ttl(ttlMs), 'NX'), (reply) => reply === 'OK');
  }

  take<T extends Json>(key: string): Promise<T | null> {
    return this.#track(this.#client.getdel(key), parse<T>);
  }

  redeem<T extends Json>(key: string, markerTtlMs: number, guards: readonly RedeemGuard[] = [], keep?: readonly string[]): Promise<Redemption<T>> {
    const redeem = this.#client.opRedeem;
    if (!redeem) throw new Error('opRedeem script is not defined');
    const tombstone = keep ? [...new Set([...guards.map((g) => g.field), ...keep])].join(',') : '';
    const reply = redeem.call(this.#client, key, this.#usedMarker(key), ttl(markerTtlMs), tombstone, ...guards.flatMap((g) => [g.field, g.equals ?? '']));
    return this.#track(reply, (result): Redemption<T> => {
      if (!result) return { state: 'missing' };
      if (Number(result[0]) === 2) return { state: 'mismatch', field: guards[Number(result[1]) - 1]?.field ?? '', absent: Number(result[2]) === 1 };
      const value = parse<T>(result[1] as string) as T;
      return Number(result[0]) === 1 ? { state: 'fresh', value } : { state: 'used', value };
    });
  }

  increment(key: string, by: number, ttlMs: number): Promise<number> {
    const increment = this.#client.opIncrement;
    if (!increment) throw new Error('opIncrement script is not defined');
    return this.#track(increment.call(this.#client, key, by, ttl(ttlMs)), Number);
  }

  del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    return this.#track(Promise.all(keys.map((key) => this.#client.del(key))), nothing);
  }

  addToSet(key: string, members: readonly string[], ttlMs: number): Promise<void> {
    return this.write([{ op: 'sadd', key, members: [...members], ttlMs }]);
  }

  members(key: string): Promise<string[]> {
    const members = this.#client.opMembers;
    if (!members) throw new Error('opMembers script is not defined');
    return this.#track(members.call(this.#client, key), (list) => list);
  }

  write(ops: readonly WriteOp[]): Promise<void> {
    return this.#track(this.#write(ops), nothing);
  }

  /** Every write of `ops` issued now (one pipeline); settles when all are answered. */
  #write(ops: readonly WriteOp[]): Promise<unknown> {
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
          if (op.members.length > 0) pending.push(client.opAddMembers!(op.key, ttl(op.ttlMs), ...op.members));
          else pending.push(client.pexpire(op.key, ttl(op.ttlMs)));
          break;
        case 'srem':
          if (op.members.length > 0) pending.push(client.opRemoveMembers!(op.key, ...op.members));
          break;
        case 'expire':
          pending.push(client.pexpire(op.key, ttl(op.ttlMs)));
          break;
      }
    }
    return Promise.all(pending);
  }

  changeClientRecord(keys: ClientRegistryKeys, change: ClientRecordChange): Promise<ClientRecordWrite> {
    const script = this.#client.opClientChange;
    if (!script) throw new Error('opClientChange script is not defined');
    const args =
      change.op === 'delete'
        ? ['delete', change.clientId, '', 0, firstVersion(), '']
        : [change.op, change.clientId, change.record, change.op === 'create' ? change.maxRecords : 0, firstVersion(), (change.op === 'update' ? change.expected : undefined) ?? '', ...change.kids];
    const records = change.collection === 'scopes' ? keys.scopes : keys.records;
    return this.#track(script.call(this.#client, records, keys.kids, keys.version, ...args), (reply): ClientRecordWrite => {
      const [state, detail] = reply;
      if (state === 'written') return { state, version: Number(detail) };
      if (state === 'kid_taken') return { state, kid: String(detail) };
      return { state: state as 'missing' | 'exists' | 'full' | 'conflict' };
    });
  }

  clientRecordsVersion(keys: ClientRegistryKeys): Promise<number> {
    return this.#track(this.#client.get(keys.version), (raw) => Number(raw ?? 0));
  }

  readClientRecords(keys: ClientRegistryKeys): Promise<ClientRecordSnapshot> {
    // Issued in this order on one connection: the version is read before the records, so the
    // records are at least as new as the version (a change in between is seen at the next poll).
    return this.#track(Promise.all([this.#client.get(keys.version), this.#client.hgetall(keys.records), this.#client.hgetall(keys.scopes)]), ([version, records, scopes]) => ({
      version: Number(version ?? 0),
      records: new Map(Object.entries(records)),
      scopes: new Map(Object.entries(scopes)),
    }));
  }

  ping(): Promise<void> {
    return this.#track(this.#client.ping(), nothing);
  }

  /** QUIT (pending replies arrive first); a Redis that is away is simply disconnected. */
  async close(): Promise<void> {
    try {
      if (this.#client.status === 'ready') await this.#client.quit();
      else this.#client.disconnect();
    } catch {
      this.#client.disconnect();
    }
  }
}
