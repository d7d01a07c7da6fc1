import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../src/store/redis-connection.js';

describe('OP_REDIS_URL forms', () => {
  it('accepts one server, with database, and keeps credentials out of the description', () => {
    expect(parseRedisUrl('redis://:pw@10.0.0.5:6380/3')).toEqual({ kind: 'single', url: 'redis://:pw@10.0.0.5:6380/3', tls: false, description: 'redis://10.0.0.5:6380/3' });
    expect(parseRedisUrl('rediss://user:pw@cache.example.no').tls).toBe(true);
  });

  it('accepts Sentinel with master name, database and TLS', () => {
    expect(parseRedisUrl('redis-sentinel://:pw@s1:26379,s2,[::1]:26380/mymaster/2')).toEqual({
      kind: 'sentinel',
      nodes: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      masterName: 'mymaster',
      db: 2,
      tls: false,
      username: undefined,
      password: 'pw',
      description: 'redis-sentinel://s1:26379,s2:26379,::1:26380/mymaster',
    });
    expect(parseRedisUrl('rediss-sentinel://s1/m').tls).toBe(true);
  });

  it('accepts Cluster seed nodes', () => {
    const topology = parseRedisUrl('redis-cluster://u:p@n1:7000,n2:7001');
    expect(topology).toMatchObject({ kind: 'cluster', nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }], username: 'u', password: 'p' });
    expect(topology.description).toBe('redis-cluster://n1:7000,n2:7001');
  });

  it('refuses malformed forms with the rule, never the credentials', () => {
    const failures = [
      'redis-sentinel://s1:26379',
      'redis-cluster://n1:7000/1',
      'redis://host/notanumber',
      'redis-cluster://:secretpw@bad host:1',
      'redis-cluster://n1:99999',
      'memcached://x',
    ].map((url) => {
      try {
        parseRedisUrl(url);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(failures.every((m) => m.startsWith('OP_REDIS_URL '))).toBe(true);
    expect(failures.join()).not.toContain('secretpw');
  });
});
