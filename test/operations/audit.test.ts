// The audit log (docs/interface.md, "Operations"): with OP_AUDIT_LOG set, one JSON line per
// event with time, event, request_id, client_id and the grant or session handle; never a secret,
// a token, a code, a cookie or an identity number. Read back from the file after a whole life
// cycle: a refused and a good login, tokens, a refresh, a refresh token reused, a revocation and
// a logout.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { authorizeQuery, tokenFlow } from '../support/token-flow.js';
import { pid, spa, web, webSecret } from '../support/vocabulary.js';

let provider: TestProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

const flow = tokenFlow({ provider: () => provider!, now: () => Date.now() });

describe('audit log', () => {
  it('writes one JSON line per event, with the request id and handles, and nothing secret', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'op-audit-')), 'audit.log');
    provider = await startTestProvider({ env: { OP_AUDIT_LOG: path } });
    const secrets: string[] = [pid, webSecret];

    // A refused identity number, then a good login in the same browser.
    const browser = new Browser(provider.app);
    const started = await browser.get(`/authorize?${authorizeQuery(spa, 'v'.repeat(43))}`);
    const loginPath = String(started.headers.location);
    const csrf = /name="csrf" value="([^"]+)"/.exec((await browser.get(loginPath)).body)![1]!;
    expect((await browser.post(loginPath, { csrf, action: 'login', pid: '12345678901', acr: 'idporten-loa-substantial' })).statusCode).toBe(422);
    secrets.push(browser.cookies.get('op_ix')!.value);

    const authorized = await flow.authorize(web, { browser });
    secrets.push(authorized.code, browser.cookies.get('op_sso')!.value);
    const redeemed = await flow.redeem(authorized);
    const tokens = redeemed.json<{ access_token: string; refresh_token: string; id_token: string }>();
    secrets.push(tokens.access_token, tokens.refresh_token, tokens.id_token);
    const refreshed = await flow.refreshOk(web, tokens.refresh_token);
    secrets.push(refreshed.access_token, refreshed.refresh_token);
    // The rotated token again: reuse, the grant is revoked (TOKEN-14).
    expect((await flow.refresh(web, tokens.refresh_token)).statusCode).toBe(400);
    // A second grant (answered from the SSO session: no new login), revoked by the client; then logout.
    const second = await flow.login(web, { browser });
    secrets.push(second.access_token, second.refresh_token);
    expect((await flow.postAs('/token/revoke', web, { token: second.refresh_token })).statusCode).toBe(200);
    expect((await browser.get('/logout')).statusCode).toBe(200);

    await provider.close();
    provider = undefined;
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const events = lines.map((line) => JSON.parse(line) as Record<string, string>);
    expect(events.map((e) => e.event)).toEqual(['login_failed', 'login', 'token_issued', 'token_refreshed', 'refresh_reuse_detected', 'token_issued', 'token_revoked', 'logout']);
    for (const event of events) {
      expect(new Date(event.time!).toISOString()).toBe(event.time);
      expect(event.request_id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    expect(events.find((e) => e.event === 'token_issued')?.request_id).toBe(redeemed.headers['x-request-id']);
    expect(events[0]).toMatchObject({ client_id: spa.id, reason: 'pid-check-digits' });
    expect(events[0]!.interaction_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const [login, issued, refreshedEvent, reuse] = events.slice(1, 5);
    expect(login).toMatchObject({ client_id: web.id, acr: 'idporten-loa-substantial' });
    expect(login!.sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued).toMatchObject({ client_id: web.id, grant_id: login!.grant_id, grant_type: 'authorization_code' });
    expect(refreshedEvent).toMatchObject({ client_id: web.id, grant_id: login!.grant_id });
    expect(reuse).toMatchObject({ client_id: web.id, grant_id: login!.grant_id });
    expect(events[6]).toMatchObject({ event: 'token_revoked', client_id: web.id, reason: 'revoked by the client' });
    expect(events[7]).toMatchObject({ event: 'logout', sid: login!.sid });
    const text = lines.join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('is off when OP_AUDIT_LOG is unset, and stops start-up when the file cannot be opened', async () => {
    await expect(startTestProvider({ env: { OP_AUDIT_LOG: '/nonexistent-dir/audit.log' } })).rejects.toThrow('OP_AUDIT_LOG cannot be opened for appending (ENOENT)');
  });
});
