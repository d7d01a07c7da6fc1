// One contract, two stores: the embedded store must behave exactly like Redis.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keySpace } from '../src/store/keys.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { createRedisClient, parseRedisUrl } from '../src/store/redis-connection.js';
import { RedisStore } from '../src/store/redis-store.js';
import type { Store } from '../src/store/store.js';
import { deleteKeys, listKeys, testRedisUrl, uniquePrefix } from './support/redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Subject {
  store: Store;
  prefix: string;
  close(): Promise<void>;
}

const implementations: Record<string, () => Promise<Subject>> = {
  redis: async () => {
    const prefix = uniquePrefix('contract');
    const topology = parseRedisUrl(testRedisUrl);
    const store = new RedisStore(createRedisClient(topology), topology, keySpace(prefix).usedMarker);
    await store.connect();
    return {
      store,
      prefix,
      close: async () => {
        await deleteKeys(prefix);
        await store.close();
      },
    };
  },
  memory: async () => {
    const prefix = uniquePrefix('contract');
    const store = new MemoryStore(keySpace(prefix).usedMarker);
    return { store, prefix, close: () => store.close() };
  },
};

describe.each(Object.keys(implementations))('store contract: %s', (name) => {
  let subject: Subject;
  let k: (id: string) => string;

  beforeEach(async () => {
    subject = await implementations[name]!();
    k = (id) => `${subject.prefix}{x:${id}}`;
  });
  afterEach(async () => {
    await subject.close();
  });

  it('returns what was set, as a copy, and null for what was never set', async () => {
    const value = { a: 1, nested: { b: ['x', 'y'] }, flag: true, none: null };
    await subject.store.set(k('one'), value, 10_000);
    value.a = 2;
    expect(await subject.store.get(k('one'))).toEqual({ a: 1, nested: { b: ['x', 'y'] }, flag: true, none: null });
    expect(await subject.store.get(k('missing'))).toBeNull();
  });

  it('reads several keys at once, in order, with null for the missing', async () => {
    await subject.store.set(k('a'), 'A', 10_000);
    await subject.store.set(k('c'), 'C', 10_000);
    expect(await subject.store.getMany([k('a'), k('b'), k('c')])).toEqual(['A', null, 'C']);
  });

  it('forgets a value when its TTL has passed', async () => {
    await subject.store.set(k('short'), 'gone soon', 40);
    await subject.store.set(k('long'), 'stays', 10_000);
    await sleep(120);
    expect(await subject.store.get(k('short'))).toBeNull();
    expect(await subject.store.get(k('long'))).toBe('stays');
  });

  it('setIfAbsent creates once and never overwrites a live value', async () => {
    expect(await subject.store.setIfAbsent(k('nx'), 'first', 10_000)).toBe(true);
    expect(await subject.store.setIfAbsent(k('nx'), 'second', 10_000)).toBe(false);
    expect(await subject.store.get(k('nx'))).toBe('first');
  });

  it('setIfAbsent succeeds again after the earlier value expired', async () => {
    expect(await subject.store.setIfAbsent(k('nx-ttl'), 'first', 40)).toBe(true);
    await sleep(120);
    expect(await subject.store.setIfAbsent(k('nx-ttl'), 'second', 10_000)).toBe(true);
  });

  it('setIfAbsent under concurrency: exactly one caller wins', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => subject.store.setIfAbsent(k('race'), i, 10_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('take returns the value once and deletes it', async () => {
    await subject.store.set(k('once'), { v: 1 }, 10_000);
    expect(await subject.store.take(k('once'))).toEqual({ v: 1 });
    expect(await subject.store.take(k('once'))).toBeNull();
    expect(await subject.store.get(k('once'))).toBeNull();
  });

  it('take under concurrency: exactly one caller gets the value', async () => {
    await subject.store.set(k('take-race'), 'prize', 10_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => subject.store.take(k('take-race'))));
    expect(results.filter((r) => r !== null)).toEqual(['prize']);
  });

  it('redeem: missing, then fresh for the first use, then used with the same value', async () => {
    expect(await subject.store.redeem(k('code'), 10_000)).toEqual({ state: 'missing' });
    await subject.store.set(k('code'), { grant: 'g1' }, 10_000);
    expect(await subject.store.redeem(k('code'), 10_000)).toEqual({ state: 'fresh', value: { grant: 'g1' } });
    expect(await subject.store.redeem(k('code'), 10_000)).toEqual({ state: 'used', value: { grant: 'g1' } });
  });

  it('redeem under concurrency: exactly one fresh, the rest used', async () => {
    await subject.store.set(k('rt'), 'token-record', 10_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => subject.store.redeem(k('rt'), 10_000)));
    expect(results.filter((r) => r.state === 'fresh')).toHaveLength(1);
    expect(results.filter((r) => r.state === 'used')).toHaveLength(19);
  });

  it('redeem keeps the record as long as its use marker, so a late replay is still seen', async () => {
    await subject.store.set(k('short-code'), 'c', 60);
    expect((await subject.store.redeem(k('short-code'), 10_000)).state).toBe('fresh');
    await sleep(150);
    expect(await subject.store.redeem(k('short-code'), 10_000)).toEqual({ state: 'used', value: 'c' });
  });

  it('redeem with a guard marks nothing when the field differs, and redeems when it matches', async () => {
    await subject.store.set(k('guarded'), { client_id: 'a', n: 1 }, 10_000);
    const mismatch = { state: 'mismatch', field: 'client_id', absent: false };
    expect(await subject.store.redeem(k('guarded'), 10_000, [{ field: 'client_id', equals: 'b' }])).toEqual(mismatch);
    expect(await subject.store.redeem(k('guarded'), 10_000, [{ field: 'client_id', equals: 'a' }])).toEqual({ state: 'fresh', value: { client_id: 'a', n: 1 } });
    expect(await subject.store.redeem(k('guarded'), 10_000, [{ field: 'client_id', equals: 'b' }])).toEqual(mismatch);
    expect(await subject.store.redeem(k('guarded'), 10_000, [{ field: 'client_id', equals: 'a' }])).toEqual({ state: 'used', value: { client_id: 'a', n: 1 } });
    await subject.store.set(k('not-object'), 'text', 10_000);
    expect(await subject.store.redeem(k('not-object'), 10_000, [{ field: 'client_id', equals: 'a' }])).toEqual({ ...mismatch, absent: true });
  });

  it('redeem checks every guard in order, a field that must be absent included, before anything is marked', async () => {
    await subject.store.set(k('bound'), { client_id: 'a', challenge: 'x' }, 10_000);
    const guards = (challenge: string | null, nonce: string | null = null) => [
      { field: 'client_id', equals: 'a' },
      { field: 'challenge', equals: challenge },
      { field: 'nonce', equals: nonce },
    ];
    expect(await subject.store.redeem(k('bound'), 10_000, guards('y'))).toEqual({ state: 'mismatch', field: 'challenge', absent: false });
    expect(await subject.store.redeem(k('bound'), 10_000, guards(null))).toEqual({ state: 'mismatch', field: 'challenge', absent: false });
    expect(await subject.store.redeem(k('bound'), 10_000, guards('x', 'n'))).toEqual({ state: 'mismatch', field: 'nonce', absent: true });
    expect((await subject.store.redeem(k('bound'), 10_000, guards('x'))).state).toBe('fresh');
    expect((await subject.store.redeem(k('bound'), 10_000, guards('x'))).state).toBe('used');
  });

  it('increment adds atomically, across concurrent callers, and keeps the expiry of the first count', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => subject.store.increment(k('counter'), 1, 10_000)));
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await subject.store.increment(k('counter'), 5, 10_000)).toBe(25);
    expect(await subject.store.increment(k('short-counter'), 3, 60)).toBe(3);
    expect(await subject.store.increment(k('short-counter'), 1, 60_000)).toBe(4);
    await sleep(150);
    expect(await subject.store.increment(k('short-counter'), 1, 60)).toBe(1);
  });

  it('redeem reports missing once the record has expired', async () => {
    await subject.store.set(k('code-ttl'), 'x', 40);
    await sleep(120);
    expect(await subject.store.redeem(k('code-ttl'), 10_000)).toEqual({ state: 'missing' });
  });

  it('del removes any number of keys', async () => {
    await subject.store.set(k('d1'), 1, 10_000);
    await subject.store.set(k('d2'), 2, 10_000);
    await subject.store.del(k('d1'), k('d2'), k('never'));
    expect(await subject.store.getMany([k('d1'), k('d2')])).toEqual([null, null]);
    await subject.store.del();
  });

  it('sets collect members, without duplicates, and expire as a whole', async () => {
    await subject.store.addToSet(k('set'), ['a', 'b'], 10_000);
    await subject.store.addToSet(k('set'), ['b', 'c'], 10_000);
    expect((await subject.store.members(k('set'))).sort()).toEqual(['a', 'b', 'c']);
    expect(await subject.store.members(k('no-set'))).toEqual([]);
    await subject.store.addToSet(k('set-ttl'), ['a'], 40);
    await sleep(120);
    expect(await subject.store.members(k('set-ttl'))).toEqual([]);
  });

  it('write applies sets, creates (never overwriting), deletes, set additions and removals, and expiries together', async () => {
    await subject.store.set(k('w-del'), 'x', 10_000);
    await subject.store.set(k('w-exp'), 'y', 10_000);
    await subject.store.write([
      { op: 'set', key: k('w-set'), value: { n: 1 }, ttlMs: 10_000 },
      { op: 'create', key: k('w-create'), value: 'new', ttlMs: 10_000 },
      { op: 'create', key: k('w-exp'), value: 'must not overwrite', ttlMs: 10_000 },
      { op: 'del', key: k('w-del') },
      { op: 'sadd', key: k('w-sadd'), members: ['m1', 'm2', 'm3'], ttlMs: 10_000 },
      { op: 'srem', key: k('w-sadd'), members: ['m3'] },
      { op: 'expire', key: k('w-exp'), ttlMs: 40 },
    ]);
    expect(await subject.store.get(k('w-set'))).toEqual({ n: 1 });
    expect(await subject.store.get(k('w-create'))).toBe('new');
    expect(await subject.store.get(k('w-exp'))).toBe('y');
    expect(await subject.store.get(k('w-del'))).toBeNull();
    expect((await subject.store.members(k('w-sadd'))).sort()).toEqual(['m1', 'm2']);
    await sleep(120);
    expect(await subject.store.get(k('w-exp'))).toBeNull();
  });

  it('ADMIN-02 an update with an expected record writes only over that record; another is a conflict and changes nothing', async () => {
    const keys = keySpace(subject.prefix).clientRegistry;
    const record = (name: string) => JSON.stringify({ client_id: 'c1', client_name: name });
    expect(await subject.store.changeClientRecord(keys, { op: 'create', clientId: 'c1', record: record('one'), kids: [], maxRecords: 10 })).toMatchObject({ state: 'written' });
    expect(await subject.store.changeClientRecord(keys, { op: 'update', clientId: 'c1', record: record('two'), kids: [], expected: record('one') })).toMatchObject({ state: 'written' });
    expect(await subject.store.changeClientRecord(keys, { op: 'update', clientId: 'c1', record: record('three'), kids: [], expected: record('one') })).toEqual({ state: 'conflict' });
    expect((await subject.store.readClientRecords(keys)).records.get('c1')).toBe(record('two'));
    expect(await subject.store.changeClientRecord(keys, { op: 'update', clientId: 'c1', record: record('four'), kids: [] })).toMatchObject({ state: 'written' });
    expect(await subject.store.changeClientRecord(keys, { op: 'update', clientId: 'c2', record: record('x'), kids: [], expected: record('x') })).toEqual({ state: 'missing' });
  });

  it('answers ping while reachable', async () => {
    await expect(subject.store.ping()).resolves.toBeUndefined();
  });

  if (name === 'redis') {
    it('puts a TTL on every key it writes', async () => {
      await subject.store.set(k('t1'), 1, 10_000);
      await subject.store.setIfAbsent(k('t2'), 1, 10_000);
      await subject.store.set(k('t3'), 1, 10_000);
      await subject.store.redeem(k('t3'), 10_000);
      await subject.store.addToSet(k('t4'), ['m'], 10_000);
      const keys = await listKeys(subject.prefix);
      expect(keys.size).toBe(5);
      for (const [key, pttl] of keys) expect(pttl, key).toBeGreaterThan(0);
    });

    it('keeps a member list as the field names of a small hash (the compact encoding), and still serves a list an earlier version wrote as a set', async () => {
      await subject.store.write([{ op: 'sadd', key: k('list'), members: ['rt:a', 'at:b'], ttlMs: 10_000 }]);
      const redis = new Redis(testRedisUrl);
      try {
        expect(await redis.type(k('list'))).toBe('hash');
        expect(['listpack', 'ziplist']).toContain(await redis.object('ENCODING', k('list')));
        await redis.sadd(k('legacy'), 'rt:old');
        await subject.store.write([
          { op: 'sadd', key: k('legacy'), members: ['at:new'], ttlMs: 10_000 },
          { op: 'srem', key: k('legacy'), members: ['rt:old'] },
        ]);
        expect(await redis.type(k('legacy'))).toBe('set');
        expect(await subject.store.members(k('legacy'))).toEqual(['at:new']);
        expect(await redis.pttl(k('legacy'))).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
    });
  }
});

describe('Redis connection', () => {
  it('reports an unreachable Redis clearly, without credentials', async () => {
    const topology = parseRedisUrl('redis://user:s3cr3t-password@127.0.0.1:1/0');
    const store = new RedisStore(createRedisClient(topology), topology, keySpace('x:').usedMarker);
    const failure = await store.connect(2000).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/^cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0 \(/);
    expect(failure?.message).not.toContain('s3cr3t');
    await store.close();
  });
});
