// TOKEN-18 (choice, required for SPAs to work): browser clients call /token, /token/revoke,
// /userinfo and /par from their own origin. Those endpoints answer CORS (Fetch standard) for the
// origins of the redirect URIs registered by browser clients, and for nobody else. No cookies
// cross origins (no Access-Control-Allow-Credentials): these endpoints authenticate otherwise.
import type { FastifyInstance, onSendHookHandler } from 'fastify';
import type { ClientRegistry } from '../registry/client-registry.js';

/** The origins of every active browser client's redirect URIs. */
export function browserClientOrigins(registry: ClientRegistry): Set<string> {
  const origins = new Set<string>();
  for (const client of registry.all()) {
    if (!client.active || client.application_type !== 'browser') continue;
    for (const uri of client.redirect_uris) {
      const url = new URL(uri);
      if (url.protocol === 'http:' || url.protocol === 'https:') origins.add(url.origin);
    }
  }
  return origins;
}

/** Adds CORS to the given paths: preflight (OPTIONS) routes and the response headers. */
export function registerCors(app: FastifyInstance, paths: readonly string[]): void {
  // Computed once: the registry is read at start (CLIENT-17: a changed registry means a restart).
  const allowed = browserClientOrigins(app.services.registry);
  const corsPaths = new Set(paths);
  const allowedOrigin = (origin: string | undefined): string | undefined => (origin !== undefined && allowed.has(origin) ? origin : undefined);

  // Attached at registration to exactly these routes, so no other request pays for it.
  const addCorsHeaders: onSendHookHandler = (request, reply, payload, done) => {
    reply.header('vary', 'Origin');
    const origin = allowedOrigin(request.headers.origin);
    if (origin !== undefined) reply.header('access-control-allow-origin', origin);
    done(null, payload);
  };
  app.addHook('onRoute', (route) => {
    if (!corsPaths.has(route.url) || route.method === 'OPTIONS') return;
    const existing = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
    route.onSend = [...existing, addCorsHeaders];
  });

  for (const path of paths) {
    app.options(path, { schema: { hide: true } }, async (request, reply) => {
      const origin = allowedOrigin(request.headers.origin);
      reply.header('vary', 'Origin').header('cache-control', 'no-store');
      if (origin === undefined) return reply.code(204).send();
      return reply
        .code(204)
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', path === '/userinfo' ? 'GET, POST' : 'POST')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send();
    });
  }
}
