import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../flows/services.js';
import type { MetadataContribution } from '../protocol/discovery.js';

/** One endpoint (or a small family of them): its routes and what it adds to discovery. */
export interface RouteModule {
  readonly name: string;
  register(app: FastifyInstance): Promise<void> | void;
  metadata?(context: ProviderContext): MetadataContribution;
}
