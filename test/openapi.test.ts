import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiYaml } from '../scripts/openapi-document.js';

describe('OpenAPI document', () => {
  it('the committed openapi/openapi.yaml is what the routes produce (run npm run openapi)', async () => {
    const committed = readFileSync(new URL('../openapi/openapi.yaml', import.meta.url), 'utf8');
    expect(committed).toBe(await buildOpenApiYaml());
  });
});
