// TOKEN-18 (choice, required for SPAs to work): browser clients call /token, /token/revoke,
// /userinfo and /par from their own origin. A response carries Access-Control-Allow-Origin only
// when the Origin is one of the redirect-URI origins of the very client the request turned out
// to be about (request.clientId, noted by the use case). A preflight cannot name its client (it
// has no body and no token), so it is answered for the origins of any active browser client;
// the response that follows is what the browser lets the page read, and that is per client. No
// cookies cross origins (no Access-Control-Allow-Credentials): these endpoints authenticate
// otherwise.
import type { FastifyInstance, onSendHookHandler } from 'fastify';
import type { ClientRegistry, RegisteredClient } from '../registry/client-registry.js';

const originsByClient = new WeakMap<RegisteredClient, ReadonlySet<string>>();

/** The origins of a browser client's redirect URIs (none for other clients). */
export function browserOriginsOf(client: RegisteredClient): ReadonlySet<string> {
  let origins = originsByClient.get(client);
  if (!origins) {
    const found = new Set<string>();
    if (client.active && client.application_type === 'browser') {
      for (const uri of client.redirect_uris) {
        const url = new URL(uri);
        if (url.protocol === 'http:' || url.protocol === 'https:') found.add(url.origin);
      }
    }
    origins = found;
    originsByClient.set(client, origins);
  }
  return origins;
}

/** Whether any active browser client registered `origin` (for preflights). */
function isBrowserClientOrigin(registry: ClientRegistry, origin: string): boolean {
  return registry.all().some((client) => browserOriginsOf(client).has(origin));
}

/** Adds CORS to the given paths: preflight (OPTIONS) routes and the response headers. */
export function registerCors(app: FastifyInstance, paths: readonly string[]): void {
  const { registry } = app.services;
  const corsPaths = new Set(paths);

  // TOKEN-18: only the origins of the client the request is about.
  const addCorsHeaders: onSendHookHandler = (request, reply, payload, done) => {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    const client = origin !== undefined && request.clientId !== undefined ? registry.find(request.clientId) : undefined;
    if (origin !== undefined && client && browserOriginsOf(client).has(origin)) reply.header('access-control-allow-origin', origin);
    done(null, payload);
  };
  // Attached at registration to exactly these routes, so no other request pays for it.
  app.addHook('onRoute', (route) => {
    if (!corsPaths.has(route.url) || route.method === 'OPTIONS') return;
    const existing = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
    route.onSend = [...existing, addCorsHeaders];
  });

  for (const path of paths) {
    app.options(path, { schema: { hide: true } }, async (request, reply) => {
      const origin = request.headers.origin;
      reply.header('vary', 'Origin').header('cache-control', 'no-store');
      if (origin === undefined || !isBrowserClientOrigin(registry, origin)) return reply.code(204).send();
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
