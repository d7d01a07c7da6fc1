// What every route may use, declared once and typed by declaration merging (fastify's way).
import type { Authenticator } from '../authn/authenticator.js';
import { testIdAuthenticator } from '../authn/testid.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { SigningKeys } from '../keys/signing-keys.js';
import type { ClientRegistry } from '../registry/client-registry.js';
import type { KeySpace } from '../store/keys.js';
import type { Store } from '../store/store.js';

export interface ProviderContext {
  readonly config: Config;
  readonly store: Store & { readonly description: string };
  readonly keys: KeySpace;
  readonly registry: ClientRegistry;
  readonly signingKeys: SigningKeys;
  readonly clock: Clock;
  /** Key material for the sealed interaction cookie (config or shared generated secret). */
  readonly cookieSecret: string;
  /** AUTHN-01: the authenticator of the login page; none in prod until real eIDs exist (AUTHN-03). */
  readonly authenticator: Authenticator | undefined;
}

/** How a route reports errors: JSON (ERR-03) for APIs, the HTML page (ERR-01) for browsers. */
export type ErrorStyle = 'json' | 'html';

declare module 'fastify' {
  interface FastifyInstance {
    op: ProviderContext;
  }
  interface FastifyRequest {
    /** The client the request is about, once known: for the log (ERR-06) and error pages. */
    clientId: string | undefined;
    clientName: string | undefined;
  }
  interface FastifyContextConfig {
    errorStyle?: ErrorStyle;
  }
}

/** ENV-03, AUTHN-03: TestID exists only in test mode. */
export function defaultAuthenticator(config: Config): Authenticator | undefined {
  return config.mode === 'test' ? testIdAuthenticator(config.mode) : undefined;
}
