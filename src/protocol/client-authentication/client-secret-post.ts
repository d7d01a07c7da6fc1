// client_secret_post (TOKEN-05): RFC 6749 §2.3.1, client_id and client_secret as form fields.
import { OAuthError } from '../../errors.js';

/** TOKEN-05 RFC 6749 §2.3.1: client_id and client_secret travel together in the body. */
export function clientIdOfPostedSecret(bodyClientId: string | undefined): string {
  if (bodyClientId === undefined || bodyClientId === '') {
    throw new OAuthError('invalid_request', 'The client_id parameter is required with client_secret', { detail: 'client_secret without client_id' });
  }
  return bodyClientId;
}
