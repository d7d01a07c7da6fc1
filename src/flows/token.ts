// The token endpoint as a use case (TOKEN-01…17, TOKEN-21): the JWT-bearer grant authenticates
// the client by its assertion (flows/jwt-bearer-grant.ts); every other grant authenticates the
// client with its registered method, checks the grant type, and runs that grant (code-grant.ts,
// refresh-grant.ts).
import type { ClientAuthInput } from '../protocol/client-authentication/index.js';
import { isJwtBearerGrant } from '../protocol/token/jwt-bearer-grant.js';
import { checkGrantType } from '../protocol/token/token-request.js';
import { authenticateCaller } from './client-authentication.js';
import { authorizationCodeGrant } from './code-grant.js';
import { jwtBearerGrant } from './jwt-bearer-grant.js';
import { refreshTokenGrant } from './refresh-grant.js';
import type { FlowContext, Services } from './services.js';
import type { TokenResponse } from './token-issuance.js';

export async function exchangeToken(services: Services, flow: FlowContext, input: ClientAuthInput): Promise<TokenResponse> {
  // TOKEN-21 RFC 7523 §2.1 (Maskinporten): the assertion is the client's authentication.
  if (isJwtBearerGrant(input.body)) return jwtBearerGrant(services, flow, input);
  const caller = await authenticateCaller(services, flow, input);
  const grantType = checkGrantType(input.body, caller.client);
  return grantType === 'authorization_code' ? authorizationCodeGrant(services, flow, caller, input.body) : refreshTokenGrant(services, flow, caller, input.body);
}
