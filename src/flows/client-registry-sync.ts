// Keeping every instance's registry live — the clients and the scopes of the administration API
// (CLIENT-17, ADMIN-01, CLIENT-16; docs/interface.md "Administration
// API": a change is in force on every instance within one second). Each instance reads the
// registry's version counter in the background every `intervalMs` (one GET) and reloads the API
// clients only when it moved; the instance that makes a change reloads at once. Requests never
// wait for this: the code flow's lookups are in memory, so it pays no round trip for a live
// registry. While the store is away the last registry stays in force.
import type { LiveClientRegistry } from '../registry/live-client-registry.js';
import type { LiveScopeRegistry } from '../registry/scope-registry.js';
import type { ClientRecordStore } from '../store/client-records.js';
import type { FlowLog } from './flow-log.js';

/** CLIENT-17: how often each instance looks for a change; a change is seen within this plus one reload. */
const registryPollIntervalMs = 200;

export class ClientRegistrySync {
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  log: FlowLog | undefined;
  /** Told of every reload (metrics). */
  onReload: () => void = () => {};

  constructor(
    private readonly registry: LiveClientRegistry,
    private readonly records: ClientRecordStore,
    private readonly scopes?: LiveScopeRegistry,
  ) {}

  /**
   * Bring the registry up to the store's version as of this call: a refresh already under way
   * may have read the version before a change this caller just made, so this one reads after it.
   */
  refresh(): Promise<void> {
    const next = (this.#running ?? Promise.resolve()).catch(() => undefined).then(() => this.#refresh());
    const running = next.finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    // Its failure is the caller's to handle (through `next`); the chain itself only orders.
    running.catch(() => undefined);
    this.#running = running;
    return next;
  }

  async #refresh(): Promise<void> {
    const version = await this.records.version();
    if (version === this.registry.version) return;
    const snapshot = await this.records.read();
    // CLIENT-16: the API's scopes first, so the clients that hold them find them.
    const problems = [...(this.scopes?.apply(snapshot.scopes) ?? []), ...this.registry.apply(snapshot.version, snapshot.records)];
    this.onReload();
    for (const problem of problems) this.log?.error({ problem }, 'client registry: a stored client is skipped');
  }

  start(intervalMs = registryPollIntervalMs): void {
    this.stop();
    const tick = () => {
      // A refresh under way will do: the background poll never queues behind another.
      if (this.#running) return;
      this.refresh().then(
        () => {
          if (this.#failing) this.log?.info({}, 'client registry: the store answers again');
          this.#failing = false;
        },
        (error: Error) => {
          // Logged once per outage; the registry already loaded stays in force meanwhile.
          if (!this.#failing) this.log?.warn({ reason: error.message.slice(0, 200) }, 'client registry: cannot read the store; the last registry stays in force');
          this.#failing = true;
        },
      );
    };
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
