// OP_REDIS_URL forms and the ioredis client built from them.
//   redis://[user:password@]host:port[/db]            one server
//   rediss://…                                        the same over TLS
//   redis-sentinel://[user:password@]h1:p1,h2:p2/<master>[/db]   Sentinel (rediss-sentinel:// for TLS)
//   redis-cluster://[user:password@]h1:p1,h2:p2        Cluster (rediss-cluster:// for TLS)
// Credentials apply to the data nodes. A description without credentials is kept for messages.
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisTopology =
  | { kind: 'single'; url: string; tls: boolean; description: string }
  | { kind: 'sentinel'; nodes: HostPort[]; masterName: string; db: number; tls: boolean; username?: string; password?: string; description: string }
  | { kind: 'cluster'; nodes: HostPort[]; tls: boolean; username?: string; password?: string; description: string };

export interface HostPort {
  host: string;
  port: number;
}

export class RedisUrlError extends Error {
  constructor(rule: string) {
    super(`OP_REDIS_URL ${rule}`);
    this.name = 'RedisUrlError';
  }
}

const multiHost = /^(rediss?)-(sentinel|cluster):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)(\/[^?#]*)?$/;

function parseNodes(list: string): HostPort[] {
  return list.split(',').map((entry) => {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(entry.trim());
    if (!match?.[1]) throw new RedisUrlError('has a host list entry that is not host[:port]');
    const port = match[2] ? Number(match[2]) : undefined;
    if (port !== undefined && (port < 1 || port > 65535)) throw new RedisUrlError('has a port outside 1-65535');
    return { host: match[1].replace(/^\[|\]$/g, ''), port: port ?? 0 };
  });
}

const decode = (part: string | undefined): string | undefined =>
  part === undefined || part === '' ? undefined : decodeURIComponent(part);

export function parseRedisUrl(value: string): RedisTopology {
  if (/^rediss?:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new RedisUrlError('is not a valid URL');
    }
    const db = url.pathname.replace(/^\//, '');
    if (db !== '' && !/^\d{1,2}$/.test(db)) throw new RedisUrlError('has a database that is not a number');
    return {
      kind: 'single',
      url: value,
      tls: url.protocol === 'rediss:',
      description: `${url.protocol}//${url.host}${db ? `/${db}` : ''}`,
    };
  }
  const match = multiHost.exec(value);
  if (!match) throw new RedisUrlError('is not of a documented form (see README, "Redis")');
  const [, scheme, kind, user, password, hosts, path] = match;
  const nodes = parseNodes(hosts ?? '');
  const tls = scheme === 'rediss';
  const credentials = { username: decode(user), password: decode(password) };
  const hostList = nodes.map((n) => `${n.host}:${n.port || (kind === 'sentinel' ? 26379 : 6379)}`).join(',');
  if (kind === 'sentinel') {
    const [masterName, db, ...rest] = (path ?? '').split('/').filter(Boolean);
    if (!masterName || rest.length > 0) throw new RedisUrlError('needs the master name as its path: redis-sentinel://host:port/<master>[/db]');
    if (db !== undefined && !/^\d{1,2}$/.test(db)) throw new RedisUrlError('has a database that is not a number');
    return {
      kind: 'sentinel',
      nodes: nodes.map((n) => ({ host: n.host, port: n.port || 26379 })),
      masterName: decodeURIComponent(masterName),
      db: db === undefined ? 0 : Number(db),
      tls,
      ...credentials,
      description: `${scheme}-sentinel://${hostList}/${masterName}`,
    };
  }
  if (path && path !== '/') throw new RedisUrlError('of a cluster takes no path (Cluster has only database 0)');
  return {
    kind: 'cluster',
    nodes: nodes.map((n) => ({ host: n.host, port: n.port || 6379 })),
    tls,
    ...credentials,
    description: `${scheme}-cluster://${hostList}`,
  };
}

/** How long one command may take before it fails (ms): OP_REDIS_TIMEOUT_MS. */
export const defaultCommandTimeoutMs = 1000;

export interface RedisClientOptions {
  /** A command without an answer within this time fails (StoreUnavailableError), ms. */
  commandTimeoutMs?: number;
}

/**
 * What every topology shares. A store outage must fail fast (docs/interface.md, "Operations"):
 * without an offline queue a command sent while Redis is away fails at once instead of waiting
 * for a reconnect, and a command on a connection that went silent fails after the timeout. The
 * client keeps reconnecting in the background (at most 1 s apart), so service resumes without a
 * restart.
 */
function commonOptions(options: RedisClientOptions): RedisOptions {
  return {
    // Independent commands issued together leave in one write: one round trip.
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? defaultCommandTimeoutMs,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    retryStrategy: (attempt: number) => Math.min(attempt * 50, 1000),
    lazyConnect: true,
  };
}

export type RedisClient = Redis | Cluster;

export function createRedisClient(topology: RedisTopology, options: RedisClientOptions = {}): RedisClient {
  const common = commonOptions(options);
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, { ...common, ...(topology.tls ? { tls: {} } : {}) });
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: topology.nodes,
        name: topology.masterName,
        db: topology.db,
        username: topology.username,
        password: topology.password,
        ...(topology.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
      });
    case 'cluster': {
      const { enableAutoPipelining, enableOfflineQueue, lazyConnect, ...nodeOptions } = common;
      return new Cluster(topology.nodes, {
        enableAutoPipelining,
        enableOfflineQueue,
        lazyConnect,
        clusterRetryStrategy: nodeOptions.retryStrategy as (attempt: number) => number,
        redisOptions: {
          ...nodeOptions,
          username: topology.username,
          password: topology.password,
          ...(topology.tls ? { tls: {} } : {}),
        },
      });
    }
  }
}
