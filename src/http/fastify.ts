// What the app carries, declared once and typed by declaration merging (fastify's way): the
// services built at start-up, the client a request is about, and each route's error style.
import type { FastifyRequest } from 'fastify';
import type { FlowContext, Services } from '../flows/services.js';

/** How a route reports errors: JSON (ERR-03) for APIs, the HTML page (ERR-01) for browsers. */
export type ErrorStyle = 'json' | 'html';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
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

/** The request as a use case sees it: its logger, and a place to note the client (ERR-06). */
export function flowContext(request: FastifyRequest): FlowContext {
  return {
    log: request.log,
    requestId: request.id,
    // Only the per-address limits ask for it.
    get sourceAddress() {
      return request.ip;
    },
    noteClient(client) {
      request.clientId = client.client_id;
      if (client.client_name !== undefined) request.clientName = client.client_name;
    },
  };
}
