// none (TOKEN-09): a public client sends its client_id alone (RFC 6749 §2.1); it has no
// credentials, so being registered with `none` is all there is to check (index.ts does that).
import { GENERIC_FAILURE, type Fail } from './failure.js';

/** ERR-04 RFC 6749 §5.2: "no client authentication included" is invalid_client. */
export function clientIdOfPublicClient(bodyClientId: string | undefined, fail: Fail): string {
  if (bodyClientId === undefined || bodyClientId === '') throw fail(`${GENERIC_FAILURE}: no client authentication and no client_id`, 'no client authentication and no client_id');
  return bodyClientId;
}
