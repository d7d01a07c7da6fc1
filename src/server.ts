// Loads configuration, opens the store, loads clients and keys, listens; closes gracefully on
// SIGTERM/SIGINT. Any start-up problem ends the process with a message naming what to fix.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { defaultAuthenticator } from './flows/services.js';
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

const startupErrors = [ConfigError, ScopeRegistryError, ClientRegistryError, TrustStoreError, SigningKeyError, StoreUnavailableError, RedisUrlError];

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
      authenticator: defaultAuthenticator(config),
    });
    const log = app.log;
    if (store instanceof RedisStore) {
      store.onConnectionError = (error) => log.warn({ store: store.description, reason: (error as NodeJS.ErrnoException).code ?? error.message }, 'Redis connection problem');
    }
    for (const warning of warnings) log.warn(warning);
    closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
      if (err) log.error({ err }, 'closing after an uncaught error');
      else log.info({ signal }, 'closing');
      await app.close();
      await store.close();
    });
    await app.listen({ port: config.port, host: config.host });
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
