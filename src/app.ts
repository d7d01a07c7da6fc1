// Builds the provider and never listens (server.ts does). This file is the inventory of the
// attack surface: one explicit, ordered list of plugins and route modules.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import underPressure from '@fastify/under-pressure';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { OAuthError } from './errors.js';
import { buildServices, type ProviderContext, type Services } from './flows/services.js';
import './http/fastify.js';
import { registerCors } from './http/cors.js';
import { clientErrorHandler, registerErrorHandling } from './http/error-handler.js';
import { logDestination } from './http/log-stream.js';
import { callerRequestId, generateRequestId, loggerOptions } from './http/logging.js';
import { registerRouteRateLimits } from './http/rate-limit.js';
import { addSecurityHeaders } from './http/security-headers.js';
import { openAuditLog } from './operations/audit.js';
import { adminClientsModule } from './routes/admin-clients.js';
import { authorizeModule } from './routes/authorize.js';
import { debuggerModule } from './routes/debugger.js';
import { developerModule } from './routes/developer.js';
import { endSessionModule } from './routes/endsession.js';
import { healthModule } from './routes/health.js';
import { jwksModule } from './routes/jwks.js';
import { loginModule } from './routes/login.js';
import { metricsModule, metricsPath, registerMetricsRoute } from './routes/metrics.js';
import type { RouteModule } from './routes/module.js';
import { parModule, parPath } from './routes/par.js';
import { introspectionModule } from './routes/introspection.js';
import { revocationModule, revocationPath } from './routes/revocation.js';
import { tokenModule, tokenPath } from './routes/token.js';
import { userinfoModule, userinfoPath } from './routes/userinfo.js';
import { wellKnownModule } from './routes/well-known.js';

/** Protocol requests are small; anything bigger is refused before parsing (ERR-04: 413). */
const bodyLimitBytes = 64 * 1024;

/** Route modules in registration order. Discovery lists what these contribute, nothing else. */
export function routeModules(): RouteModule[] {
  const modules: RouteModule[] = [
    healthModule,
    metricsModule,
    jwksModule,
    parModule,
    authorizeModule,
    loginModule,
    tokenModule,
    revocationModule,
    introspectionModule,
    userinfoModule,
    endSessionModule,
    adminClientsModule,
    // Test mode only: tools for relying-party developers (each registers nothing in prod).
    developerModule,
    debuggerModule,
  ];
  return [...modules, wellKnownModule(modules)];
}

export interface BuildOptions {
  /** Where log lines go (default stdout); tests read them to prove what is never logged. */
  logStream?: NodeJS.WritableStream;
  /** How often the event-loop lag is sampled for load shedding (ms, default 1000). */
  loadSampleIntervalMs?: number;
}

/** Never shed: how an orchestrator and Prometheus see that the process is overloaded. */
const neverShed = new Set(['/healthz', '/readyz', metricsPath]);
/** Seconds a shed client is asked to wait. */
const shedRetryAfterSeconds = 5;

/**
 * The listener's limits (docs/interface.md, "Operations"). A request whose headers and body have
 * not arrived within OP_REQUEST_TIMEOUT is answered 408 and its connection closed (Node checks
 * every second, not every 30 s); headers alone get at most 10 s; a connection lives at most
 * OP_KEEP_ALIVE_TIMEOUT after its last answer (above the usual 60 s of load balancers, so that
 * they close first) and carries at most OP_MAX_REQUESTS_PER_SOCKET requests. There is no
 * separate inactivity timeout: every answer is a few kilobytes, handed to the kernel at once, so
 * a client that stops reading cannot hold a connection past the keep-alive timeout either, and
 * the timer Node would set and reset on every request is not worth paying for.
 */
function listenerOptions(config: ProviderContext['config']) {
  const requestTimeoutMs = config.requestTimeout * 1000;
  return {
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeout * 1000,
    maxRequestsPerSocket: config.maxRequestsPerSocket,
    http: { headersTimeout: Math.min(10_000, requestTimeoutMs), connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) },
  };
}

export async function buildApp(context: ProviderContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...listenerOptions(context.config),
    clientErrorHandler,
    logger: { ...loggerOptions(context.config.logLevel), stream: options.logStream ?? logDestination() },
    genReqId: generateRequestId,
    // One line per request, written when it completes (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: bodyLimitBytes,
    // Endpoint URLs come from OP_ISSUER, never from Host headers (docs/interface.md).
    return503OnClosing: true,
    // The source address of per-address limits: the socket's, or behind OP_TRUST_PROXY proxies
    // the one they forward (X-Forwarded-For). Trusting no proxy is the only safe default.
    trustProxy: context.config.trustProxy ?? false,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  });

  const services = buildServices(context, openAuditLog(context.config.auditLog, context.clock));
  app.decorate('services', services);
  app.addHook('onClose', async () => services.audit.close());
  // CLIENT-17: the API's clients are loaded before the first request and kept live from then on.
  services.registrySync.log = app.log;
  services.registrySync.onReload = () => services.metrics.registryReloaded();
  await services.registrySync.refresh().catch((error: Error) => app.log.warn({ reason: error.message.slice(0, 200) }, 'client registry: cannot read the store at start; retrying in the background'));
  services.registrySync.start();
  app.addHook('onClose', async () => services.registrySync.stop());
  app.decorateRequest('clientId', undefined);
  app.decorateRequest('clientName', undefined);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Every answer carries the request id. On shutdown, requests already in flight when closing
  // starts are answered with Connection: close, so their keep-alive connections end with them
  // instead of idling until the keep-alive timeout (Fastify itself answers later arrivals 503 with
  // Connection: close). Hooks in callback style: no promise per request.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // ERR-06: method, redacted URL, status, duration and client on one line per request; and the
  // request metrics (route pattern, never the path, so their series stay bounded).
  app.addHook('onResponse', (request, reply, done) => {
    services.metrics.request(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      { req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, client_id: request.clientId, caller_request_id: callerRequestId(request.headers) },
      'request completed',
    );
    done();
  });

  // Security headers (helmet's, computed once): http/security-headers.ts.
  addSecurityHeaders(app);
  await app.register(cookie);
  // Every endpoint takes application/x-www-form-urlencoded only (TOKEN-01, AUTHZ-01, UI-01):
  // Fastify's JSON and text parsers are removed, so any other body is refused before a handler
  // runs (invalid_request, ERR-04).
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: bodyLimitBytes });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ID-porten profile OpenID Provider',
        version: '0.1.0',
        description: 'OpenID Provider implementing the ID-porten protocol profile. Requirement IDs (AUTHZ-07, TOKEN-11 …) refer to requirements/catalog.yaml.',
      },
      servers: [{ url: context.config.issuer }],
      tags: [
        { name: 'discovery', description: 'Provider metadata and keys' },
        { name: 'authorization', description: 'Authorization code flow (browser)' },
        { name: 'login', description: 'TestID login pages (test mode only)' },
        { name: 'token', description: 'Token endpoint' },
        { name: 'userinfo', description: 'UserInfo endpoint' },
        { name: 'logout', description: 'RP-initiated and front-channel logout' },
        { name: 'operations', description: 'Health, readiness and metrics' },
        { name: 'administration', description: 'Self-service client administration (ADMIN-01…08)' },
        { name: 'developer', description: 'Tools for relying-party developers: landing page, debugger, this reference (test mode only)' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: "An access token of this provider (JWT-bearer grant) with idporten:dcr.* scopes; the caller's organisation is its consumer" },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  registerErrorHandling(app);
  await registerLoadShedding(app, services, options);
  await registerRouteRateLimits(app);

  // TOKEN-18: the endpoints a browser client calls from its own origin.
  registerCors(app, [parPath, tokenPath, revocationPath, userinfoPath]);
  for (const module of routeModules()) await app.register(async (scope) => module.register(scope));
  return app;
}

/**
 * Load shedding (@fastify/under-pressure): while the event loop lags beyond
 * OP_MAX_EVENT_LOOP_DELAY_MS, every request but health, readiness and metrics is answered 503
 * temporarily_unavailable with Retry-After (JSON or the error page, by the one error handler),
 * and /readyz says 503. Checking costs a comparison per request; sampling runs on a timer.
 */
async function registerLoadShedding(app: FastifyInstance, services: Services, options: BuildOptions): Promise<void> {
  const overloaded = () =>
    new OAuthError('temporarily_unavailable', 'The service is overloaded; try again shortly', { status: 503, retryAfter: shedRetryAfterSeconds, mayRedirect: false });
  await app.register(underPressure, {
    maxEventLoopDelay: services.config.maxEventLoopDelayMs,
    sampleInterval: options.loadSampleIntervalMs ?? 1000,
    pressureHandler: (request) => {
      if (neverShed.has(request.routeOptions.url ?? '')) return undefined;
      services.metrics.loadShed();
      // A rejected promise goes to the error handler (under-pressure calls next(error)).
      return Promise.reject(overloaded());
    },
  });
}

/** OP_METRICS_PORT: a listener of its own that serves /metrics and nothing else. */
export function buildMetricsApp(services: Services): FastifyInstance {
  const app: FastifyInstance = Fastify({ logger: false });
  app.decorate('services', services);
  registerMetricsRoute(app);
  return app;
}
