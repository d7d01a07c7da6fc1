// The live client registry in the store (ADMIN-01, CLIENT-17): see ClientRegistryKeys in store.ts.
import type { KeySpace } from './keys.js';
import type { ClientRecordChange, ClientRecordSnapshot, ClientRecordWrite, Store } from './store.js';

export class ClientRecordStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** One atomic change (CLIENT-07: kid uniqueness is decided in the same step). */
  change(change: ClientRecordChange): Promise<ClientRecordWrite> {
    return this.store.changeClientRecord(this.keys.clientRegistry, change);
  }

  version(): Promise<number> {
    return this.store.clientRecordsVersion(this.keys.clientRegistry);
  }

  read(): Promise<ClientRecordSnapshot> {
    return this.store.readClientRecords(this.keys.clientRegistry);
  }
}
