// The client registry as live state (CLIENT-17, ADMIN-01): the clients of OP_CLIENTS_FILE, fixed at
// start, and the clients of the administration API, replaced whenever the store's version of them
// changes (flows/client-registry-sync.ts polls it in the background). Lookups stay in memory and
// synchronous: the code flow never waits for the registry.
import { registeredFromStored, type ClientRegistry, type RegisteredClient, type StoredClientRecord } from './client-registry.js';

/** An API client: its record as stored (the API answers with it) and the client it registers. */
export interface ApiClient {
  readonly raw: string;
  readonly record: StoredClientRecord;
  readonly client: RegisteredClient;
}

export class LiveClientRegistry implements ClientRegistry {
  readonly #file: ReadonlyMap<string, RegisteredClient>;
  /** CLIENT-07: kid -> client_id over the file's clients (the store's kid index holds the API's). */
  readonly #fileKids: ReadonlyMap<string, string>;
  #api = new Map<string, ApiClient>();
  #all: readonly RegisteredClient[];
  #version = -1;

  constructor(fileClients: readonly RegisteredClient[]) {
    this.#file = new Map(fileClients.map((client) => [client.client_id, client]));
    this.#fileKids = new Map(fileClients.flatMap((client) => (client.jwks?.keys ?? []).map((key) => [String(key.kid), client.client_id] as const)));
    this.#all = [...this.#file.values()];
  }

  /** CLIENT-17: an inactive or deleted client is unknown at every endpoint. */
  find(clientId: string): RegisteredClient | undefined {
    const client = this.#api.get(clientId)?.client ?? this.#file.get(clientId);
    return client?.active ? client : undefined;
  }

  all(): readonly RegisteredClient[] {
    return this.#all;
  }

  /** The store version the API clients are at (-1: never loaded). */
  get version(): number {
    return this.#version;
  }

  /** Clients of OP_CLIENTS_FILE are read-only to the API. */
  isFileClient(clientId: string): boolean {
    return this.#file.has(clientId);
  }

  /** The file client holding `kid`, if any (CLIENT-07: unique across all clients). */
  fileKidOwner(kid: string): string | undefined {
    return this.#fileKids.get(kid);
  }

  apiClient(clientId: string): ApiClient | undefined {
    return this.#api.get(clientId);
  }

  apiClients(): ApiClient[] {
    return [...this.#api.values()];
  }

  /**
   * Take the store's records at `version`. An unchanged record keeps its client object; one that
   * cannot be read is skipped and reported (the rest of the registry stays usable).
   */
  apply(version: number, records: ReadonlyMap<string, string>): string[] {
    const problems: string[] = [];
    const next = new Map<string, ApiClient>();
    for (const [clientId, raw] of records) {
      const known = this.#api.get(clientId);
      if (known?.raw === raw) {
        next.set(clientId, known);
        continue;
      }
      try {
        const record = JSON.parse(raw) as StoredClientRecord;
        if (record.client_id !== clientId || this.#file.has(clientId)) throw new Error('client_id does not match its key or is a file client');
        next.set(clientId, { raw, record, client: registeredFromStored(record) });
      } catch (error) {
        problems.push(`client ${JSON.stringify(clientId)} in the store cannot be read (${(error as Error).message.slice(0, 100)})`);
      }
    }
    this.#api = next;
    this.#all = [...this.#file.values(), ...[...next.values()].map((entry) => entry.client)];
    this.#version = version;
    return problems;
  }
}
