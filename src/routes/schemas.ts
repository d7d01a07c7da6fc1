// Response shapes shared by the route schemas (and so by openapi/openapi.yaml).
import { z } from 'zod';

export const oauthErrorBody = z
  .object({
    error: z.string().describe('Error code from RFC 6749 §5.2 / OIDC Core §3.1.2.6'),
    error_description: z.string().describe('Human-readable ASCII explanation; never contains secrets or personal data'),
  })
  .describe('ERR-03 JSON error body');

/**
 * For routes whose input the protocol code parses by hand, in spec order (docs/traps.md, schema-errors): the
 * schema documents the parameters in openapi.yaml, and this compiler lets every input through.
 */
export const documentOnly = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
