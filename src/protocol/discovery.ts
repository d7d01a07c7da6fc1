// OIDC Discovery 1.0 §3 / RFC 8414 §2 provider metadata (DISC-01…06). Built once at start from
// what the registered route modules contribute, so the document can only advertise endpoints and
// features that are actually registered (DISC-04).
/** A JSON value of the metadata document. */
export type MetadataValue = string | number | boolean | null | readonly MetadataValue[] | { readonly [key: string]: MetadataValue };

export type MetadataContribution = Readonly<Record<string, MetadataValue>>;

export class MetadataConflictError extends Error {}

export function buildProviderMetadata(issuer: string, contributions: readonly MetadataContribution[]): Readonly<Record<string, MetadataValue>> {
  // DISC-03 Disc §4.3: `issuer` is exactly the configured issuer (ENV-01), first in the document.
  const metadata: Record<string, MetadataValue> = { issuer };
  // DISC-04: only what a registered module contributes; two modules must agree on a shared field.
  for (const contribution of contributions) {
    for (const [name, value] of Object.entries(contribution)) {
      const existing = metadata[name];
      if (existing === undefined) metadata[name] = value;
      else if (Array.isArray(existing) && Array.isArray(value)) metadata[name] = [...new Set([...existing, ...value])] as MetadataValue[];
      else if (JSON.stringify(existing) !== JSON.stringify(value)) throw new MetadataConflictError(`two modules disagree on ${name}`);
    }
  }
  return Object.freeze(metadata);
}

/** Every endpoint URL is the issuer plus a path, never the listen address (docs/interface.md). */
export const endpointUrl = (issuer: string, path: string): string => `${issuer}${path}`;
