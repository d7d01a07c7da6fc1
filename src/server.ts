// Loads configuration, opens the store, loads clients and keys, listens; closes gracefully on
// SIGTERM/SIGINT. Any start-up problem ends the process with a message naming what to fix.
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp, buildMetricsApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { AuthenticatorConfigError, loadAuthenticators } from './authn/load.js';
import { loadSharedSecret } from './keys/shared-secret.js';
import { SigningKeyError, loadSigningKeys } from './keys/signing-keys.js';
import { TrustStoreError, loadTrustAnchors } from './keys/trust-store.js';
import { ClientRegistryError, StaticClientRegistry, usesBusinessCertificates } from './registry/client-registry.js';
import { loadClientRecords } from './registry/clients-file.js';
import { ScopeRegistryError } from './registry/scope-registry.js';
import { loadScopeRecords } from './registry/scopes-file.js';
import { openStore } from './store/index.js';
import { RedisUrlError } from './store/redis-connection.js';
import { RedisStore } from './store/redis-store.js';
import { StoreUnavailableError } from './store/store.js';

/** A port that is taken or not allowed: start-up ends with one line naming the variable (exit 78, as every start-up error). */
class ListenError extends Error {}

const startupErrors = [ConfigError, ScopeRegistryError, ClientRegistryError, TrustStoreError, SigningKeyError, StoreUnavailableError, RedisUrlError, AuthenticatorConfigError, ListenError];

/**
 * Shutdown (docs/interface.md, "Operations": exit 0 within 5 s): stop accepting, answer what is
 * in flight (with Connection: close, app.ts), close idle keep-alive connections, then quit
 * Redis. Connections still busy after `drainMs` are cut, so a client that never lets go cannot
 * hold the process; the whole shutdown is bounded by close-with-grace's delay below.
 */
const drainMs = 3000;
const shutdownDeadlineMs = 4500;

async function shutdown(app: FastifyInstance, store: { close(): Promise<void> }, metricsApp: FastifyInstance | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const drained = app.close();
  const outcome = await Promise.race([drained.then(() => 'drained'), new Promise((resolve) => (timer = setTimeout(resolve, drainMs, 'late')))]);
  clearTimeout(timer);
  if (outcome === 'late') {
    app.log.warn({ drain_ms: drainMs }, 'connections still open after the drain time; closing them');
    app.server.closeAllConnections();
    await drained;
  }
  await metricsApp?.close();
  await store.close();
}

/** Listening, with a busy or forbidden port turned into a ListenError. */
async function listenOrExplain(app: FastifyInstance, port: number, host: string, variable: string): Promise<void> {
  try {
    await app.listen({ port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'may not be opened by this user' : code === 'EADDRNOTAVAIL' ? `cannot be opened: OP_HOST ${host} is not an address of this machine` : undefined;
    if (why === undefined) throw error;
    throw new ListenError(`${variable} ${port} on ${host} ${why}: stop the other process or choose another ${variable}`);
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(78);
  }
  try {
    const { store, keys } = await openStore(config);
    const scopes = loadScopeRecords(config.scopesFile);
    const { clients, warnings } = loadClientRecords(config.clientsFile, config.mode, scopes);
    const trustAnchors = loadTrustAnchors(config, clients.some(usesBusinessCertificates));
    const signingKeys = await loadSigningKeys(config, store, keys);
    const cookieSecret = await loadSharedSecret('interaction-cookie', config.cookieSecret, store, keys);
    const app = await buildApp({
      config,
      store,
      keys,
      registry: new StaticClientRegistry(clients),
      scopes,
      trustAnchors,
      signingKeys,
      clock: systemClock,
      cookieSecret,
      authenticators: loadAuthenticators(config),
    });
    const log = app.log;
    if (store instanceof RedisStore) {
      store.onConnectionError = (error) => log.warn({ store: store.description, reason: (error as NodeJS.ErrnoException).code ?? error.message }, 'Redis connection problem');
    }
    for (const warning of warnings) log.warn(warning);
    // OP_METRICS_PORT: /metrics on a listener of its own, off the public one.
    const metricsApp = config.metricsPort !== undefined ? buildMetricsApp(app.services) : undefined;
    // SIGHUP is not a reason to stop (it reloads the signing keys, below).
    // JWKS-03: SIGHUP re-reads OP_SIGNING_KEYS_FILE. A file that does not load leaves the keys as
    // they were; the staged key of a good one is published at once and signs at its activate_at.
    process.on('SIGHUP', () => {
      if (!config.signingKeysFile) {
        log.info('SIGHUP: no OP_SIGNING_KEYS_FILE to reload');
        return;
      }
      loadSigningKeys(config, store, keys).then(
        (next) => {
          signingKeys.replace(next);
          log.info({ signing_keys: next.all.length, kids: next.all.map((key) => key.kid), signing_kid: next.signingKey(Date.now()).kid }, 'signing keys reloaded');
        },
        (error: Error) => log.error({ reason: error.message }, 'signing keys not reloaded; the previous keys stay in use'),
      );
    });
    closeWithGrace({ delay: shutdownDeadlineMs, skip: ['SIGHUP'], logger: { error: (message: unknown) => log.error({ reason: String(message) }, 'shutdown failed') } }, async ({ signal, err }) => {
      if (err) log.error({ err }, 'closing after an uncaught error');
      else log.info({ signal }, 'closing');
      await shutdown(app, store, metricsApp);
      log.info('closed');
    });
    await listenOrExplain(app, config.port, config.host, 'OP_PORT');
    if (metricsApp) await listenOrExplain(metricsApp, config.metricsPort!, config.host, 'OP_METRICS_PORT');
    log.info(
      {
        issuer: config.issuer,
        mode: config.mode,
        store: store.description,
        clients: clients.length,
        scopes: config.scopesFile ?? 'built-in scopes only',
        trusted_cas: trustAnchors.description,
        clients_file: config.clientsFileIsDemo ? 'demo clients (fixtures/demo/clients.json)' : config.clientsFile,
        signing_keys: signingKeys.source === 'file' ? `${signingKeys.all.length} from OP_SIGNING_KEYS_FILE` : `${signingKeys.source} (test mode)`,
        pairwise_secret: config.pairwiseSecretIsDefault ? 'development default (test mode)' : 'configured',
      },
      `provider ready at ${config.issuer}`,
    );
  } catch (error) {
    if (startupErrors.some((type) => error instanceof type)) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

await main();
