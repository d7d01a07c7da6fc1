// The one interface for everything the provider keeps: sessions, interactions, codes, PAR
// requests, grants, refresh tokens, replay markers, revocations and the shared test key.
// Two implementations honour it with the same semantics (redis-store.ts, memory-store.ts);
// test/store.contract.test.ts runs against both.
//
// Values are JSON. Every write carries a TTL: the store forgets on its own. Records that must
// expire at a precise moment also carry their own expiry, checked against the injected clock
// by the code that reads them; the TTL is the garbage collector, not the rule.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/**
 * Outcome of a single-use redemption (authorization codes, pushed requests). `Kept` is what a
 * replay finds: the whole value, or the tombstone that replaced it (`keep` of Store.redeem).
 */
export type Redemption<T, Kept = T> =
  | { state: 'missing' }
  /** This call is the first to redeem the value. */
  | { state: 'fresh'; value: T }
  /** Someone redeemed it before: a replay (TOKEN-11, TOKEN-14). */
  | { state: 'used'; value: Kept }
  /**
   * A guard did not hold (another client's token, a wrong PKCE verifier …): nothing was marked.
   * `field` is the first guard that failed; `absent` says the record lacks that field.
   */
  | { state: 'mismatch'; field: string; absent: boolean };

/**
 * A redemption only counts when this top-level field of the JSON record has this value, or
 * (`equals: null`) when the record lacks the field. Guards are checked in order, in the same
 * atomic operation as the use.
 */
export interface RedeemGuard {
  field: string;
  equals: string | null;
}

export type WriteOp =
  | { op: 'set'; key: string; value: Json; ttlMs: number }
  /** Create only; an existing value wins (SET NX). */
  | { op: 'create'; key: string; value: Json; ttlMs: number }
  | { op: 'del'; key: string }
  | { op: 'sadd'; key: string; members: string[]; ttlMs: number }
  | { op: 'srem'; key: string; members: string[] }
  | { op: 'expire'; key: string; ttlMs: number };

export type StoreObserver = (seconds: number, failed: boolean) => void;

/**
 * The live client registry (ADMIN-01, CLIENT-17): the records created through the administration
 * API, an index of their key ids (CLIENT-07: a kid is unique across all clients) and a version
 * counter that every change increments, so that every instance can see a change by reading one
 * number. The three keys share a hash tag (one Cluster slot) and, unlike everything else, carry no
 * TTL: they are configuration, bounded by the number of clients the API accepts.
 */
export interface ClientRegistryKeys {
  readonly records: string;
  /** The scopes created through the administration API (CLIENT-16): name -> JSON; no kids. */
  readonly scopes: string;
  readonly kids: string;
  readonly version: string;
}

/**
 * One atomic change of the live registry. `record` is the JSON text of the whole record;
 * `collection` says whether it is a client (the default, keyed by client_id) or a scope (keyed by
 * name, no kids).
 */
export type ClientRecordChange = { collection?: 'clients' | 'scopes' } & (
  /** A new record; refused when `maxRecords` are registered. */
  | { op: 'create'; clientId: string; record: string; kids: readonly string[]; maxRecords: number }
  /**
   * Replace an existing record (and its kids); with `expected`, only while the stored record is
   * still exactly that text (a read-modify-write that another writer overtook is `conflict`).
   */
  | { op: 'update'; clientId: string; record: string; kids: readonly string[]; expected?: string | undefined }
  | { op: 'delete'; clientId: string }
);

export type ClientRecordWrite =
  | { state: 'written'; version: number }
  /** CLIENT-07: another client holds this kid; nothing was written. */
  | { state: 'kid_taken'; kid: string }
  /** update or delete of a client that is not there. */
  | { state: 'missing' }
  /** create of a client_id that exists. */
  | { state: 'exists' }
  /** create beyond maxRecords. */
  | { state: 'full' }
  /** update whose `expected` record is no longer the stored one; nothing was written. */
  | { state: 'conflict' };

/** Every record of the live registry, and the version they are at least as new as. */
export interface ClientRecordSnapshot {
  version: number;
  records: Map<string, string>;
  scopes: Map<string, string>;
}

export interface Store {
  readonly kind: 'redis' | 'memory';
  get<T extends Json>(key: string): Promise<T | null>;
  /** Several reads in one round trip. */
  getMany<T extends Json>(keys: readonly string[]): Promise<(T | null)[]>;
  set(key: string, value: Json, ttlMs: number): Promise<void>;
  /** Atomic create (SET NX): true if this call created it. Replay markers, first-writer-wins. */
  setIfAbsent(key: string, value: Json, ttlMs: number): Promise<boolean>;
  /** Atomic read-and-delete (GETDEL): at most one caller ever gets the value. */
  take<T extends Json>(key: string): Promise<T | null>;
  /**
   * Atomic single use that remembers the use: the first caller gets `fresh`, every later one
   * `used` with the same value (so a replay can be answered by revoking what the first use
   * issued). The use marker lives `markerTtlMs`, and the first use keeps the value at least as
   * long, so replays stay detectable for that whole time. A record that fails a guard is
   * reported as `mismatch` and left untouched, so nobody can burn someone else's value, or one
   * whose binding (a PKCE verifier) they cannot prove.
   *
   * With `keep`, the first use replaces the value by a tombstone that holds only the guards'
   * fields and the `keep` fields, for `markerTtlMs`: a replay can then be recognised (and its
   * guards checked) for a long time at the cost of a few short fields, not the whole record.
   */
  redeem<T extends Json>(key: string, markerTtlMs: number, guards?: readonly RedeemGuard[], keep?: readonly string[]): Promise<Redemption<T>>;
  /**
   * Atomic counter: add `by` to `key` and return the new count. A new count expires after
   * `ttlMs`; later increments keep that expiry, so a window never stretches.
   */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  del(...keys: string[]): Promise<void>;
  /** Add members to a set and (re)set its TTL. */
  addToSet(key: string, members: readonly string[], ttlMs: number): Promise<void>;
  members(key: string): Promise<string[]>;
  /** Several writes in one round trip (not a transaction across keys). */
  write(ops: readonly WriteOp[]): Promise<void>;
  /**
   * Apply one change of the live client registry atomically: kid uniqueness is checked and the
   * record, the kid index and the version are written as one step (a Lua script on Redis), so of
   * two concurrent writes claiming one kid exactly one wins.
   */
  changeClientRecord(keys: ClientRegistryKeys, change: ClientRecordChange): Promise<ClientRecordWrite>;
  /** The live registry's version (0 before the first change): one small read, for polling. */
  clientRecordsVersion(keys: ClientRegistryKeys): Promise<number>;
  /** Every record; the version is read first, so the records are never older than it says. */
  readClientRecords(keys: ClientRegistryKeys): Promise<ClientRecordSnapshot>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  /** Be told of every failed operation and of the duration (s) of (a sample of) the others (metrics). */
  instrument?(observe: StoreObserver): void;
  close(): Promise<void>;
}

/** Thrown when the store cannot serve; defined in the kernel so the error handler knows it. */
export { StoreUnavailableError } from '../errors.js';

/**
 * The writes that take back `ops`, for writes that only created records and added set members
 * (a lost single-use claim removes what it created alongside).
 */
export const undoOps = (ops: readonly WriteOp[]): WriteOp[] =>
  ops.flatMap((op): WriteOp[] => (op.op === 'set' || op.op === 'create' ? [{ op: 'del', key: op.key }] : op.op === 'sadd' ? [{ op: 'srem', key: op.key, members: op.members }] : []));
