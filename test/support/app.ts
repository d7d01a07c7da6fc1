// A provider for tests: real HTTP surface (inject or a listening socket), real Redis under a
// per-test key prefix, the demo clients unless told otherwise, a test clock when asked.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { loadAuthenticators } from '../../src/authn/load.js';
import type { ProviderContext } from '../../src/flows/services.js';
import { generatePrivateJwk, parseSigningKeySet, type SigningKeys } from '../../src/keys/signing-keys.js';
import { loadTrustAnchors } from '../../src/keys/trust-store.js';
import { StaticClientRegistry, parseClientRecords } from '../../src/registry/client-registry.js';
import { loadClientRecords } from '../../src/registry/clients-file.js';
import { parseScopeRecords } from '../../src/registry/scope-registry.js';
import { loadScopeRecords } from '../../src/registry/scopes-file.js';
import { keySpace } from '../../src/store/keys.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { createRedisClient, parseRedisUrl } from '../../src/store/redis-connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from './redis.js';
import { issuer as defaultIssuer } from './vocabulary.js';

export interface TestProvider {
  app: FastifyInstance;
  context: ProviderContext;
  prefix: string;
  close(): Promise<void>;
}

export interface TestProviderOptions {
  env?: Record<string, string>;
  /** Client records to use instead of the demo file. */
  clients?: unknown[];
  /** Scope records to use instead of OP_SCOPES_FILE (CLIENT-16). */
  scopes?: unknown[];
  store?: 'redis' | 'memory' | ProviderContext['store'];
  clock?: Clock;
  signingKeys?: SigningKeys;
  logStream?: NodeJS.WritableStream;
  /** Share a key prefix with another provider (several instances on one Redis). */
  prefix?: string;
  /** AUTHN-01: the eIDs to offer instead of the mode's defaults. */
  authenticators?: ProviderContext['authenticators'];
}

let sharedKeys: Promise<SigningKeys> | undefined;
/** One generated key per test process: RSA generation is the slow part of a test start. */
export function testSigningKeys(issuer = defaultIssuer): Promise<SigningKeys> {
  sharedKeys ??= generatePrivateJwk().then((jwk) => parseSigningKeySet({ keys: [jwk] }, new URL(issuer).host, 'generated'));
  return sharedKeys;
}

export async function startTestProvider(options: TestProviderOptions = {}): Promise<TestProvider> {
  const config: Config = loadConfig({ OP_LOG_LEVEL: 'silent', ...options.env });
  const prefix = options.prefix ?? uniquePrefix('app');
  const keys = keySpace(prefix);
  let store: ProviderContext['store'];
  if (options.store === 'memory') store = new MemoryStore(keys.usedMarker);
  else if (options.store === undefined || options.store === 'redis') {
    const topology = parseRedisUrl(testRedisUrl);
    const redis = new RedisStore(createRedisClient(topology), topology, keys.usedMarker);
    await redis.connect();
    store = redis;
  } else store = options.store;
  const scopes = options.scopes ? parseScopeRecords(options.scopes) : loadScopeRecords(config.scopesFile);
  const clients = options.clients
    ? parseClientRecords(options.clients, config.mode, 'clients', scopes).clients
    : loadClientRecords(config.clientsFile, config.mode, scopes).clients;
  const context: ProviderContext = {
    config,
    store,
    keys,
    registry: new StaticClientRegistry(clients),
    scopes,
    trustAnchors: loadTrustAnchors(config, false),
    signingKeys: options.signingKeys ?? (await testSigningKeys(config.issuer)),
    clock: options.clock ?? Date.now,
    cookieSecret: 'test-cookie-secret-0123456789-0123456789',
    authenticators: options.authenticators ?? loadAuthenticators(config, options.clock ?? Date.now),
  };
  const app = await buildApp(context, options.logStream ? { logStream: options.logStream } : {});
  return {
    app,
    context,
    prefix,
    async close() {
      await app.close();
      if (store.kind === 'redis') await deleteKeys(prefix);
      await store.close();
    },
  };
}
