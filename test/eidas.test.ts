// The eID selector (AUTHN-01, AUTHN-02) and the eIDAS test login (IDT-11, IDT-05, AUTHZ-11,
// AUTHZ-23) through the HTTP surface on real Redis, and end to end with openid-client: eIDAS is
// offered only when asked for (an eidas-loa-* value, or login_hint=eidas:true); with only eidas
// values the page is the eIDAS form alone; an eIDAS login gives amr ["eIDAS"], acr eidas-loa-*,
// the four eidas_* claims in the id_token and at /userinfo, and no pid unless the match table
// maps the identity to a synthetic Norwegian number.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eidasTestAuthenticator, parseEidasMatchTable } from '../src/authn/eidas-test.js';
import { testIdAuthenticator } from '../src/authn/testid.js';
import { loadConfig } from '../src/config.js';
import { loadAuthenticators } from '../src/authn/load.js';
import { authorizeModule } from '../src/routes/authorize.js';
import { Browser, callbackFrom, injectFetch } from './support/browser.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { authorizationUrl, csrfOf, demoClientRecords, expectRedirectError, issuer, offeredLevels, pkcePair, web, webSecret } from './support/vocabulary.js';

const person = { eidas_identifier: 'SE/NO/199001011234', eidas_firstname: 'Åsa', eidas_lastname: 'Lindström', eidas_date_of_birth: '1990-01-01' };
const matched = { ...person, eidas_identifier: 'DK/NO/0101901234' };
/** A synthetic number the match table gives the matched identity. */
const matchedPid = '21879498012';

const dir = mkdtempSync(join(tmpdir(), 'op-eidas-'));
const matchFile = join(dir, 'matches.json');
writeFileSync(matchFile, JSON.stringify({ [matched.eidas_identifier]: matchedPid }));

let provider: TestProvider;
beforeAll(async () => {
  provider = await startTestProvider({ clients: demoClientRecords, env: { OP_ISSUER: issuer, OP_EIDAS_MATCH_FILE: matchFile } });
});
afterAll(async () => provider.close());

const url = (extra: Record<string, string | undefined> = {}) => authorizationUrl('/authorize', { clientId: web.id, redirectUri: web.redirectUri, state: 'st-e', challenge: pkcePair().challenge }, extra);

/** /authorize, then the login page it leads to. */
async function loginPage(browser: Browser, extra: Record<string, string | undefined>): Promise<{ path: string; page: LightMyRequestResponse }> {
  const start = await browser.get(url(extra));
  expect(start.statusCode, start.body).toBe(303);
  const path = String(start.headers.location);
  expect(path).toMatch(/^\/login\//);
  return { path, page: await browser.get(path) };
}

const has = (body: string, id: string) => body.includes(`id="${id}"`);
const eidasLevelsOf = (body: string): string[] => [...body.matchAll(/name="eidas_acr" value="([^"]+)"/g)].map(([, level]) => level!);

describe('AUTHN-01 AUTHZ-11 the eID selector', () => {
  it('AUTHN-01 without an eIDAS request the page is the TestID page alone: no selector, no eIDAS form', async () => {
    const { page } = await loginPage(new Browser(provider.app), {});
    expect(has(page.body, 'login-form')).toBe(true);
    expect(has(page.body, 'eidas-login-form')).toBe(false);
    expect(has(page.body, 'eid-selector')).toBe(false);
  });

  it('AUTHN-01 AUTHZ-11 with idporten and eidas values the selector lists TestID and eIDAS, each with the levels that meet its minimum', async () => {
    const { page } = await loginPage(new Browser(provider.app), { acr_values: 'idporten-loa-high eidas-loa-substantial' });
    expect(has(page.body, 'eid-selector')).toBe(true);
    expect(has(page.body, 'eid-testid') && has(page.body, 'eid-eidas')).toBe(true);
    expect(has(page.body, 'login-form') && has(page.body, 'eidas-login-form')).toBe(true);
    expect(offeredLevels(page.body)).toEqual(['idporten-loa-high']);
    expect(eidasLevelsOf(page.body)).toEqual(['eidas-loa-substantial', 'eidas-loa-high']);
    for (const name of ['eidas_identifier', 'eidas_firstname', 'eidas_lastname', 'eidas_date_of_birth']) expect(page.body).toContain(`name="${name}"`);
    expect(has(page.body, 'eidas-login-submit')).toBe(true);
  });

  it('AUTHZ-11 with only eidas values the page goes straight to eIDAS: no TestID form, no selector, a cancel button', async () => {
    const { page } = await loginPage(new Browser(provider.app), { acr_values: 'eidas-loa-high' });
    expect(has(page.body, 'eidas-login-form')).toBe(true);
    expect(has(page.body, 'login-form')).toBe(false);
    expect(has(page.body, 'eid-selector')).toBe(false);
    expect(has(page.body, 'eidas-login-cancel')).toBe(true);
    // AUTHN-01: only the level that meets the minimum, chosen for the user.
    expect(page.body).toContain('<input type="hidden" name="eidas_acr" value="eidas-loa-high">');
  });

  it('AUTHZ-23 login_hint=eidas:true adds eIDAS beside TestID (the national default minimum stays)', async () => {
    const { page } = await loginPage(new Browser(provider.app), { login_hint: 'eidas:true' });
    expect(has(page.body, 'login-form') && has(page.body, 'eidas-login-form')).toBe(true);
    expect(eidasLevelsOf(page.body)).toEqual(['eidas-loa-substantial', 'eidas-loa-high']);
  });

  it('AUTHZ-23 any other login_hint is only a hint: no eIDAS', async () => {
    const { page } = await loginPage(new Browser(provider.app), { login_hint: 'eidas:false' });
    expect(has(page.body, 'eidas-login-form')).toBe(false);
  });

  it('AUTHN-01 AUTHN-02 each page language names the eIDAS section (nb, nn, en, se)', async () => {
    const titles = { nb: 'Utenlandsk eID (eIDAS)', nn: 'Utanlandsk eID (eIDAS)', en: 'Foreign eID (eIDAS)', se: 'Olgoriikkalaš eID (eIDAS)' };
    for (const [locale, title] of Object.entries(titles)) {
      const { page } = await loginPage(new Browser(provider.app), { acr_values: 'idporten-loa-substantial eidas-loa-substantial', ui_locales: locale });
      expect(page.body).toContain(`<html lang="${locale}">`);
      expect(page.body).toContain(title);
    }
  });
});

describe('AUTHZ-23 the legacy hint can be turned off', () => {
  let plain: TestProvider;
  beforeAll(async () => {
    plain = await startTestProvider({ clients: demoClientRecords, env: { OP_ISSUER: issuer, OP_LEGACY_EIDAS_LOGIN_HINT: 'false' } });
  });
  afterAll(async () => plain.close());

  it('AUTHZ-23 with OP_LEGACY_EIDAS_LOGIN_HINT=false, login_hint=eidas:true adds nothing', async () => {
    const browser = new Browser(plain.app);
    const start = await browser.get(url({ login_hint: 'eidas:true' }));
    const page = await browser.get(String(start.headers.location));
    expect(has(page.body, 'eidas-login-form')).toBe(false);
  });
});

describe('AUTHN-01 an eID that cannot meet the request is not offered', () => {
  let testIdOnly: TestProvider;
  beforeAll(async () => {
    testIdOnly = await startTestProvider({ clients: demoClientRecords, env: { OP_ISSUER: issuer }, authenticators: [testIdAuthenticator('test')] });
  });
  afterAll(async () => testIdOnly.close());

  it('AUTHN-01 AUTHZ-11 only eidas values and no eIDAS here: unmet_authentication_requirements by redirect', async () => {
    const response = await testIdOnly.app.inject({ method: 'GET', url: url({ acr_values: 'eidas-loa-substantial' }) });
    expectRedirectError(response, web.redirectUri, 'unmet_authentication_requirements', { state: 'st-e', issuer });
  });

  it('AUTHN-01 eidas values beside national ones: TestID alone is offered', async () => {
    const browser = new Browser(testIdOnly.app);
    const start = await browser.get(url({ acr_values: 'idporten-loa-substantial eidas-loa-high' }));
    const page = await browser.get(String(start.headers.location));
    expect(has(page.body, 'login-form')).toBe(true);
    expect(has(page.body, 'eidas-login-form')).toBe(false);
  });

  it('DISC-04 IDT-11 without an eIDAS authenticator discovery lists no eidas-loa-* value', () => {
    const config = loadConfig({ OP_ISSUER: issuer });
    const metadata = authorizeModule.metadata!({ config, authenticators: [testIdAuthenticator('test')], scopes: testIdOnly.context.scopes } as never);
    expect(metadata.acr_values_supported).toEqual(['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high']);
  });
});

describe('IDT-11 the eIDAS test login', () => {
  /** The eIDAS form submitted on the page of `extra`; the POST's response. */
  async function submitEidas(browser: Browser, extra: Record<string, string | undefined>, fields: Record<string, string>): Promise<{ path: string; response: LightMyRequestResponse }> {
    const { path, page } = await loginPage(browser, extra);
    const response = await browser.post(path, { csrf: csrfOf(page.body), method: 'eidas', action: 'login', ...fields });
    return { path, response };
  }

  it.each([
    ['an identifier of Norway itself', { eidas_identifier: 'NO/NO/12345' }, 'eidas-identifier'],
    ['an identifier without CC/NO/', { eidas_identifier: 'SE-199001011234' }, 'eidas-identifier'],
    ['an identifier over 200 characters', { eidas_identifier: `SE/NO/${'1'.repeat(201)}` }, 'eidas-identifier'],
    ['an empty first name', { eidas_firstname: '  ' }, 'eidas-firstname'],
    ['a last name over 100 characters', { eidas_lastname: 'L'.repeat(101) }, 'eidas-lastname'],
    ['a date that does not exist', { eidas_date_of_birth: '1990-02-30' }, 'eidas-date-of-birth'],
    ['a date in the future', { eidas_date_of_birth: '2999-01-01' }, 'eidas-date-of-birth'],
    ['a date in another format', { eidas_date_of_birth: '01.01.1990' }, 'eidas-date-of-birth'],
    ['a level below the minimum', { eidas_acr: 'eidas-loa-substantial' }, 'eidas-acr'],
    ['a national level', { eidas_acr: 'idporten-loa-high' }, 'eidas-acr'],
  ])('IDT-11 %s is refused on the page (422) naming the field, never a redirect', async (_, bad, problem) => {
    const { response } = await submitEidas(new Browser(provider.app), { acr_values: 'eidas-loa-high' }, { ...person, eidas_acr: 'eidas-loa-high', ...bad });
    expect(response.statusCode).toBe(422);
    expect(response.headers.location).toBeUndefined();
    expect(has(response.body, 'eidas-login-problem')).toBe(true);
    const messages = { 'eidas-identifier': 'CC/NO/', 'eidas-firstname': 'first name', 'eidas-lastname': 'last name', 'eidas-date-of-birth': 'date of birth', 'eidas-acr': 'level of assurance' };
    const { response: english } = await submitEidas(new Browser(provider.app), { acr_values: 'eidas-loa-high', ui_locales: 'en' }, { ...person, eidas_acr: 'eidas-loa-high', ...bad });
    expect(english.body).toContain(messages[problem as keyof typeof messages]);
  });

  it('IDT-11 the eIDAS form cannot be used when eIDAS was not requested (the page again, 400)', async () => {
    const { response } = await submitEidas(new Browser(provider.app), {}, person);
    expect(response.statusCode).toBe(400);
    expect(has(response.body, 'login-form')).toBe(true);
  });

  describe('end to end with openid-client', () => {
    const configure = () =>
      oidc.discovery(new URL(issuer), web.id, { id_token_signed_response_alg: 'RS256' }, oidc.ClientSecretBasic(webSecret), {
        [oidc.customFetch]: injectFetch(provider.app) as never,
        execute: [oidc.allowInsecureRequests],
      });

    async function eidasLogin(fields: Record<string, string>, params: Record<string, string>, browser = new Browser(provider.app)) {
      const config = await configure();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const built = oidc.buildAuthorizationUrl(config, { redirect_uri: web.redirectUri, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce, ...params });
      const start = await browser.get(built.href);
      const path = String(start.headers.location);
      const page = await browser.get(path);
      const response = await browser.post(path, { csrf: csrfOf(page.body), method: 'eidas', action: 'login', ...fields });
      const tokens = await oidc.authorizationCodeGrant(config, callbackFrom(response), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      return { config, tokens, browser };
    }

    it('IDT-11 AUTHN-02 IDT-05 amr ["eIDAS"], acr eidas-loa-substantial, the four eidas_* claims, no pid — in the id_token and at /userinfo', async () => {
      const { config, tokens } = await eidasLogin(person, { acr_values: 'eidas-loa-substantial' });
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({ iss: issuer, aud: web.id, amr: ['eIDAS'], acr: 'eidas-loa-substantial', ...person });
      expect(claims.pid).toBeUndefined();
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      expect(info).toEqual({ sub: claims.sub, locale: 'nb', ...person });
    });

    it('IDT-11 the tester may choose eidas-loa-high; AUTHZ-12 the achieved level is issued', async () => {
      const { tokens } = await eidasLogin({ ...person, eidas_acr: 'eidas-loa-high' }, { acr_values: 'idporten-loa-substantial eidas-loa-substantial' });
      expect(tokens.claims()).toMatchObject({ acr: 'eidas-loa-high', amr: ['eIDAS'] });
    });

    it('IDT-05 a matched eIDAS identity carries the synthetic Norwegian number of the match table', async () => {
      const { config, tokens } = await eidasLogin(matched, { login_hint: 'eidas:true' });
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({ pid: matchedPid, amr: ['eIDAS'], ...matched });
      expect(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)).toMatchObject({ pid: matchedPid, ...matched });
    });

    it('IDT-04 IDT-11 sub is stable for one foreign identity and differs between identities', async () => {
      const first = (await eidasLogin(person, { acr_values: 'eidas-loa-substantial' })).tokens.claims()!.sub;
      const again = (await eidasLogin(person, { acr_values: 'eidas-loa-substantial' })).tokens.claims()!.sub;
      const other = (await eidasLogin({ ...person, eidas_identifier: 'FI/NO/010190-123A' }, { acr_values: 'eidas-loa-substantial' })).tokens.claims()!.sub;
      expect(again).toBe(first);
      expect(other).not.toBe(first);
    });

    it('AUTHZ-11 SSO-06 an eIDAS session answers a later eIDAS request at once, but a national request needs a national login', async () => {
      const { browser } = await eidasLogin(person, { acr_values: 'eidas-loa-substantial' });
      const eidasAgain = await browser.get(url({ acr_values: 'eidas-loa-substantial' }));
      expect(String(eidasAgain.headers.location)).toContain('code=');
      const national = await browser.get(url({}));
      expect(String(national.headers.location)).toMatch(/^\/login\//);
      const silent = await browser.get(url({ prompt: 'none' }));
      expectRedirectError(silent, web.redirectUri, 'interaction_required', { state: 'st-e', issuer });
    });
  });
});

describe('IDT-05 OP_EIDAS_MATCH_FILE', () => {
  it('IDT-05 refuses a real (non-synthetic) number in test mode and a bad identifier, naming each entry', () => {
    expect(() => parseEidasMatchTable({ 'SE/NO/1': '01019012345', 'XX-1': matchedPid }, 'test')).toThrow(/entry "SE\/NO\/1": the value must be a valid synthetic[\s\S]*entry "XX-1": the key must be an eIDAS identifier/);
  });

  it('IDT-05 refuses a file that is not an object', () => {
    expect(() => parseEidasMatchTable([], 'test')).toThrow(/must hold a JSON object/);
  });

  it('IDT-05 a broken match file stops start-up', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ 'NO/NO/1': matchedPid }));
    expect(() => loadAuthenticators(loadConfig({ OP_EIDAS_MATCH_FILE: broken }))).toThrow(/OP_EIDAS_MATCH_FILE is invalid/);
  });

  it('AUTHN-01 ENV-03 prod mode offers neither TestID nor the eIDAS test login', () => {
    expect(eidasTestAuthenticator(new Map(), Date.now).levels).toEqual(['eidas-loa-substantial', 'eidas-loa-high']);
    const prod = { ...loadConfig({ OP_ISSUER: issuer }), mode: 'prod' as const };
    expect(loadAuthenticators(prod)).toEqual([]);
  });
});
