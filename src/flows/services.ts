// What the use cases work with, built once at start-up (app.ts decorates the app with it):
// the provider's inputs (ProviderContext) and the stores and helpers made from them (Services).
import type { Authenticator } from '../authn/authenticator.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { CookieSealer } from '../keys/sealer.js';
import type { AuditEvent, AuditLog } from '../operations/audit.js';
import { createMetrics, type Metrics } from '../operations/metrics.js';
import { BusinessCertificateVerifier, type TrustAnchors } from '../protocol/business-certificate.js';
import type { SigningKeys } from '../protocol/jws.js';
import type { ClientRegistry, RegisteredClient } from '../registry/client-registry.js';
import { debuggerClient, debuggerClientSecret } from '../registry/debugger-client.js';
import { LiveClientRegistry } from '../registry/live-client-registry.js';
import { LiveScopeRegistry, type ScopeRegistry } from '../registry/scope-registry.js';
import { AccessTokenStore } from '../store/access-tokens.js';
import { AssertionJtiStore } from '../store/assertion-jtis.js';
import { ClientRecordStore } from '../store/client-records.js';
import { CodeStore } from '../store/codes.js';
import { ConsentStore } from '../store/consents.js';
import { GrantStore } from '../store/grants.js';
import { InteractionStore } from '../store/interactions.js';
import type { KeySpace } from '../store/keys.js';
import { PushedRequestStore } from '../store/pushed-requests.js';
import { RateLimitCounters } from '../store/rate-limits.js';
import { RefreshTokenStore } from '../store/refresh-tokens.js';
import { SessionStore } from '../store/sessions.js';
import type { Store } from '../store/store.js';
import { ClientRegistrySync } from './client-registry-sync.js';
import type { FlowLog } from './flow-log.js';
import { buildLimits, type Limits } from './rate-limits.js';

/** The provider's inputs: configuration, state, clients, keys, time and the login method. */
export interface ProviderContext {
  readonly config: Config;
  readonly store: Store & { readonly description: string };
  readonly keys: KeySpace;
  readonly registry: ClientRegistry;
  /** CLIENT-16: the scope registry, consulted at every use (never copied into a flow's state). */
  readonly scopes: ScopeRegistry;
  /** TOKEN-08, ENV-03: the CAs and CRLs business certificates are checked against. */
  readonly trustAnchors: TrustAnchors;
  readonly signingKeys: SigningKeys;
  readonly clock: Clock;
  /** Key material for the sealed interaction cookie (config or shared generated secret). */
  readonly cookieSecret: string;
  /** AUTHN-01: the authenticators the eID selector offers, in its order (authn/load.ts); none in prod until one is configured (AUTHN-03). */
  readonly authenticators: readonly Authenticator[];
}

/** Everything a use case needs, built once. */
export interface Services extends ProviderContext {
  /** CLIENT-17: the file's clients and the administration API's, kept live (client-registry-sync.ts). */
  readonly registry: LiveClientRegistry;
  /** CLIENT-16: the built-in, file and administration API scopes, kept live with the clients. */
  readonly scopes: LiveScopeRegistry;
  readonly clientRecords: ClientRecordStore;
  readonly registrySync: ClientRegistrySync;
  readonly sessions: SessionStore;
  readonly codes: CodeStore;
  readonly accessTokens: AccessTokenStore;
  readonly grants: GrantStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly pushedRequests: PushedRequestStore;
  readonly interactions: InteractionStore;
  /** AUTHZ-27: remembered consents. */
  readonly consents: ConsentStore;
  readonly assertionJtis: AssertionJtiStore;
  /** TOKEN-08: validates business certificate chains (memoised per chain). */
  readonly certificates: BusinessCertificateVerifier;
  /** Seals the pending login into the interaction cookie (flows/interactions.ts). */
  readonly interactionSealer: CookieSealer;
  /** The issuer's path ('' or e.g. '/idp'): browser-facing URLs are issuer-relative (ENV-01). */
  readonly basePath: string;
  /** Prometheus instruments (in-process). */
  readonly metrics: Metrics;
  /** OP_AUDIT_LOG: one JSON line per event; a no-op when unset. */
  readonly audit: AuditLog;
  /** The rate limits of the use cases (flows/rate-limits.ts). */
  readonly limits: Limits;
  /** Shared rate-limit counters, also for route limits (http/rate-limit.ts). */
  readonly rateLimitCounters: RateLimitCounters;
  /** Test mode: the built-in debugger client's secret and the sealer of its state cookie. */
  readonly debugger: { readonly clientSecret: string; readonly sealer: CookieSealer } | undefined;
}

/** OP_AUDIT_LOG unset: events are dropped. */
const noAuditLog: AuditLog = Object.freeze({ record() {}, close: async () => {} });

/** `audit` is opened by the caller (app.ts), which may touch the file system; use cases only write to it. */
export function buildServices(context: ProviderContext, audit: AuditLog = noAuditLog): Services {
  const { store, keys, config, clock } = context;
  const accessTokens = new AccessTokenStore(store, keys);
  const grants = new GrantStore(store, keys, accessTokens);
  const metrics = createMetrics();
  store.instrument?.((seconds, failed) => metrics.storeOperation(seconds, failed));
  const rateLimitCounters = new RateLimitCounters(store, keys);
  const scopes = context.scopes instanceof LiveScopeRegistry ? context.scopes : new LiveScopeRegistry(context.scopes);
  // Tools for relying-party developers: test mode only (docs/interface.md). The built-in debugger
  // client sits beside the file's clients, so the administration API cannot change it either.
  const debuggerSecret = config.mode === 'test' ? debuggerClientSecret(context.cookieSecret) : undefined;
  const builtIn = debuggerSecret ? [debuggerClient(config.issuer, debuggerSecret, config.mode, scopes)] : [];
  const registry = new LiveClientRegistry([...context.registry.all().filter((client) => !builtIn.some((own) => own.client_id === client.client_id)), ...builtIn]);
  const clientRecords = new ClientRecordStore(store, keys);
  return Object.freeze({
    ...context,
    registry,
    scopes,
    clientRecords,
    registrySync: new ClientRegistrySync(registry, clientRecords, scopes),
    debugger: debuggerSecret ? { clientSecret: debuggerSecret, sealer: new CookieSealer(context.cookieSecret, 'debugger') } : undefined,
    sessions: new SessionStore(store, keys),
    codes: new CodeStore(store, keys),
    accessTokens,
    grants,
    refreshTokens: new RefreshTokenStore(store, keys, grants),
    pushedRequests: new PushedRequestStore(store, keys),
    interactions: new InteractionStore(store, keys),
    consents: new ConsentStore(store, keys, grants),
    assertionJtis: new AssertionJtiStore(store, keys),
    certificates: new BusinessCertificateVerifier(context.trustAnchors),
    interactionSealer: new CookieSealer(context.cookieSecret, 'interaction'),
    basePath: new URL(context.config.issuer).pathname.replace(/\/$/, ''),
    metrics,
    audit,
    limits: buildLimits(config, rateLimitCounters, clock, metrics),
    rateLimitCounters,
  });
}


/** What a use case knows of the request it serves, and may tell it: where to log, which client it is about. */
export interface FlowContext {
  readonly log: FlowLog;
  /** The request's id (X-Request-Id, the log's reqId): audit events carry it. */
  readonly requestId: string;
  /** The caller's address (behind OP_TRUST_PROXY proxies: the forwarded one), for per-address limits. */
  readonly sourceAddress: string;
  /** The client the request is about, once known: for the log (ERR-06) and error pages (ERR-01). */
  noteClient(client: Pick<RegisteredClient, 'client_id'> & Partial<Pick<RegisteredClient, 'client_name'>>): void;
}

/** Record an audit event of the request `flow` serves. */
export function audit(services: Services, flow: FlowContext, event: AuditEvent): void {
  services.audit.record(event, flow.requestId);
}

/** A change made through the administration API: an audit event (with its caller) and a count. */
export function recordChange(services: Services, flow: FlowContext, event: AuditEvent & { caller_client_id: string; caller_orgno: string }): void {
  audit(services, flow, event);
  services.metrics.registryChange(event.event);
}
