#!/usr/bin/env node
// The container's health check (Dockerfile HEALTHCHECK): asks /readyz on the address the provider
// listens on, whatever OP_HOST is. A wildcard (0.0.0.0, ::, unset) is asked on loopback of the
// same family; a named address or host is asked there, because a provider bound to one interface
// does not answer on 127.0.0.1. Exit 0 when ready, 1 otherwise (within 3 s).
import { pathToFileURL } from 'node:url';

/** The /readyz URL for the OP_HOST and OP_PORT of `env`. */
export function readinessUrl(env: NodeJS.ProcessEnv): string {
  const host = (env.OP_HOST ?? '').trim();
  const port = (env.OP_PORT ?? '').trim() || '3000';
  const address = host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '[::1]' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${address}:${port}/readyz`;
}

async function main(): Promise<void> {
  try {
    const response = await fetch(readinessUrl(process.env), { signal: AbortSignal.timeout(3000) });
    process.exit(response.ok ? 0 : 1);
  } catch {
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
