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

/** The request as a use case sees it: its logger, its id, and a place to note the client (ERR-06). */
class RequestFlowContext implements FlowContext {
  constructor(private readonly request: FastifyRequest) {}

  get log(): FlowContext['log'] {
    return this.request.log;
  }

  get requestId(): string {
    return this.request.id;
  }

  /** Only the per-address limits ask for it. */
  get sourceAddress(): string {
    return this.request.ip;
  }

  noteClient(client: Parameters<FlowContext['noteClient']>[0]): void {
    this.request.clientId = client.client_id;
    if (client.client_name !== undefined) this.request.clientName = client.client_name;
  }
}

export const flowContext = (request: FastifyRequest): FlowContext => new RequestFlowContext(request);
