// Security headers of every answer. helmet decides them, once, at start: its middleware is run
// against a recording response and the headers it sets become one constant list, applied to each
// reply by a plain hook. (The Fastify wrapper of helmet rebuilt the middleware, parsed the CSP
// directives and made a promise on every request: about a tenth of a millisecond per login flow.)
// Each HTML page then sets its own, stricter CSP (views/layout.ts); this default covers the rest.
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** What helmet is asked for: a CSP that allows nothing, no framing, no referrer, no caching of codes in Referer. */
export const helmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
  // Referrer-Policy no-referrer keeps codes out of Referer headers.
  referrerPolicy: { policy: 'no-referrer' as const },
  crossOriginResourcePolicy: { policy: 'cross-origin' as const },
  frameguard: { action: 'deny' as const },
};

/** The headers helmet sets with `helmetOptions`, as name → value (lower-case names). */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet(helmetOptions)({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  // helmet's middleware is synchronous; a version that is not would leave pages without headers.
  if (!finished) throw new Error('helmet did not finish synchronously: the security headers cannot be precomputed');
  return Object.freeze(headers);
}

/** Every reply starts with the security headers; a handler may still replace one (a page's CSP). */
export function addSecurityHeaders(app: FastifyInstance): void {
  const headers = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
