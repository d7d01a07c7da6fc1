import type { FastifyReply } from 'fastify';

/** RFC 6749 §5.1, TOKEN-01: protocol responses are never cached. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** DISC-01: public metadata may be cached by clients and proxies. */
export function cacheable(reply: FastifyReply, maxAgeSeconds: number): FastifyReply {
  return reply.header('cache-control', `public, max-age=${maxAgeSeconds}`);
}

/** An HTML page with its own Content-Security-Policy, never cached (AUTHZ-16, ERR-01, LOGOUT-12). */
export function sendPage(reply: FastifyReply, page: { body: string; contentSecurityPolicy: string }, status = 200): FastifyReply {
  return noStore(reply).code(status).header('content-security-policy', page.contentSecurityPolicy).type('text/html; charset=utf-8').send(page.body);
}
