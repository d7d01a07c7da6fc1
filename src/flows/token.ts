// The token endpoint as a use case (TOKEN-01…17): authenticate the client with its registered
// method, check the grant type, and run that grant (code-grant.ts, refresh-grant.ts).
import type { ClientAuthInput } from '../protocol/client-authentication/index.js';
import { checkGrantType } from '../protocol/token/token-request.js';
import { authenticateCaller } from './client-authentication.js';
import { authorizationCodeGrant } from './code-grant.js';
import { refreshTokenGrant } from './refresh-grant.js';
import type { FlowContext, Services } from './services.js';
import type { TokenResponse } from './token-issuance.js';

export async function exchangeToken(services: Services, flow: FlowContext, input: ClientAuthInput): Promise<TokenResponse> {
  const caller = await authenticateCaller(services, flow, input);
  const grantType = checkGrantType(input.body, caller.client);
  return grantType === 'authorization_code' ? authorizationCodeGrant(services, flow, caller, input.body) : refreshTokenGrant(services, flow, caller, input.body);
}
