// The debugger (docs/interface.md, "Tools for relying-party developers"; test mode only, 404 in
// prod): a relying party served by the provider itself. It starts a real authorization code flow
// (PKCE S256, state, nonce; optionally through /par) as the built-in client `debugger`, and at
// {issuer}/debugger/callback redeems the code, decodes the tokens and calls /userinfo; refresh,
// revoke and logout start from the result page. It speaks to /par, /token, /token/revoke and
// /userinfo through the provider's own HTTP surface (inject), exactly as an outside client would,
// so what it shows is what an integrator gets. Its state (state, nonce, code_verifier) travels in
// a cookie sealed with AES-GCM, bound to this browser.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import { sendPage } from '../http/headers.js';
import { s256 } from '../protocol/pkce.js';
import { randomToken } from '../random.js';
import { debuggerCallbackPath, debuggerClientId, debuggerPath } from '../registry/debugger-client.js';
import { renderDebuggerPage, renderDebuggerResult, type DebuggerResultInput } from '../views/developer-pages.js';
import { authorizePath } from './authorize.js';
import { endSessionPath } from './endsession.js';
import type { RouteModule } from './module.js';
import { parPath } from './par.js';
import { revocationPath } from './revocation.js';
import { documentOnly } from './schemas.js';
import { tokenPath } from './token.js';
import { userinfoPath } from './userinfo.js';

const stateCookie = 'op_dbg';
const stateLifetimeSeconds = 15 * 60;
const levels = ['idporten-loa-substantial', 'idporten-loa-high'] as const;
const prompts = ['login', 'consent', 'none'] as const;
const responseModes = ['query', 'form_post'] as const;

interface DebuggerState {
  state: string;
  nonce: string;
  verifier: string;
}

const random = (): string => randomToken(32);

/** A form field that must be absent, empty or one of `allowed`; anything else is invalid_request naming the field. */
function oneOf<T extends string>(form: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const value = form[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new OAuthError('invalid_request', `${name} must be one of ${allowed.join(', ')}`, { mayRedirect: false });
}

function scopesOf(form: Record<string, unknown>, held: readonly string[]): string {
  const raw = form.scope === undefined ? [] : Array.isArray(form.scope) ? form.scope : [form.scope];
  const chosen = raw.filter((scope): scope is string => typeof scope === 'string');
  const unknown = chosen.filter((scope) => !held.includes(scope));
  if (unknown.length > 0) throw new OAuthError('invalid_request', `scope must be among the debugger client's scopes: ${held.join(', ')}`, { mayRedirect: false });
  // OIDC Core §3.1.2.1: openid is what makes it a login.
  return [...new Set(['openid', ...chosen])].join(' ');
}

/** The decoded claims of a JWT, or a note that it is not one (an opaque or absent token). */
function claimsOf(token: unknown): unknown {
  if (typeof token !== 'string') return undefined;
  try {
    return decodeJwt(token);
  } catch {
    return { note: 'not a JWT' };
  }
}

export const debuggerModule: RouteModule = {
  name: 'debugger',
  register(app) {
    const { debugger: tool, config, basePath } = app.services;
    if (!tool) return;
    const issuer = config.issuer;
    const secure = issuer.startsWith('https:');
    const client = app.services.registry.find(debuggerClientId)!;
    const issuerOrigin = new URL(issuer).origin;
    // docs/traps.md, form-action: the forms post to us and are answered by redirects within the issuer's origin.
    const formAction = ["'self'", issuerOrigin];
    const basic = `Basic ${Buffer.from(`${debuggerClientId}:${tool.clientSecret}`).toString('base64')}`;
    const callbackUrl = `${issuer}${debuggerCallbackPath}`;
    const startAgain = `${basePath}${debuggerPath}`;
    const cookieOptions = { path: `${basePath}${debuggerPath}`, httpOnly: true, sameSite: 'lax' as const, secure };
    const page = { config: { errorStyle: 'html' as const } };

    /** A form POST to one of our own endpoints, as an outside client would send it. */
    const post = (url: string, form: Record<string, string>, authorization = basic) =>
      app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, payload: new URLSearchParams(form).toString() });
    const userinfoOf = async (accessToken: unknown) => {
      if (typeof accessToken !== 'string') return undefined;
      const response = await app.inject({ method: 'GET', url: userinfoPath, headers: { authorization: `Bearer ${accessToken}` } });
      return response.statusCode === 200 ? response.json() : { status: response.statusCode, 'www-authenticate': response.headers['www-authenticate'] ?? null, body: response.body || null };
    };
    const result = async (tokens: Record<string, unknown>, heading: string, previousIdToken?: string): Promise<DebuggerResultInput> => {
      const idToken = typeof tokens.id_token === 'string' ? tokens.id_token : previousIdToken;
      const accessToken = typeof tokens.access_token === 'string' ? tokens.access_token : undefined;
      const refreshToken = typeof tokens.refresh_token === 'string' ? tokens.refresh_token : undefined;
      return {
        heading,
        startAgain,
        formAction,
        tokenResponse: tokens,
        idToken: claimsOf(tokens.id_token),
        accessToken: claimsOf(accessToken),
        userinfo: await userinfoOf(accessToken),
        actions: {
          ...(refreshToken ? { refresh: { action: `${basePath}${debuggerPath}/refresh`, refreshToken, idToken } } : {}),
          revoke: { action: `${basePath}${debuggerPath}/revoke`, accessToken, refreshToken, idToken },
          ...(idToken ? { logout: { action: `${issuer}${endSessionPath}`, idToken, postLogoutRedirectUri: `${issuer}${debuggerPath}`, state: random() } } : {}),
        },
      };
    };
    const fail = (reply: FastifyReply, heading: string, error: unknown, status = 400) => sendPage(reply, renderDebuggerResult({ heading, startAgain, formAction, error }), status);

    app.get(
      debuggerPath,
      { ...page, schema: { tags: ['developer'], summary: 'The debugger: start a login as the built-in debugger client (test mode only)', querystring: z.object({ state: z.string().optional() }).passthrough() } },
      async (request, reply) => {
        const state = (request.query as { state?: unknown }).state;
        return sendPage(
          reply,
          renderDebuggerPage({
            action: `${basePath}${debuggerPath}`,
            clientId: debuggerClientId,
            scopes: client.scopes,
            levels,
            formAction,
            notice: typeof state === 'string' ? `Logged out; the provider returned state ${state.slice(0, 64)}.` : undefined,
          }),
        );
      },
    );

    app.post(
      debuggerPath,
      {
        ...page,
        schema: {
          tags: ['developer'],
          summary: 'Start the flow: redirect to /authorize (or push the request to /par first)',
          consumes: ['application/x-www-form-urlencoded'],
          body: z.object({ client_id: z.string().optional(), scope: z.union([z.string(), z.array(z.string())]).optional(), acr_values: z.string().optional(), prompt: z.string().optional(), response_mode: z.string().optional(), par: z.string().optional() }),
        },
        ...documentOnly,
      },
      async (request: FastifyRequest, reply) => {
        const form = (request.body ?? {}) as Record<string, unknown>;
        if (form.client_id !== undefined && form.client_id !== debuggerClientId) throw new OAuthError('invalid_request', `client_id must be ${debuggerClientId}`, { mayRedirect: false });
        const acr = oneOf(form, 'acr_values', levels);
        const prompt = oneOf(form, 'prompt', prompts);
        const responseMode = oneOf(form, 'response_mode', responseModes) ?? 'query';
        const par = oneOf(form, 'par', ['on']) === 'on';
        const state: DebuggerState = { state: random(), nonce: random(), verifier: random() };
        const parameters: Record<string, string> = {
          client_id: debuggerClientId,
          redirect_uri: callbackUrl,
          response_type: 'code',
          scope: scopesOf(form, client.scopes),
          state: state.state,
          nonce: state.nonce,
          code_challenge: s256(state.verifier),
          code_challenge_method: 'S256',
          ...(acr ? { acr_values: acr } : {}),
          ...(prompt ? { prompt } : {}),
          ...(responseMode === 'form_post' ? { response_mode: 'form_post' } : {}),
        };
        let query = new URLSearchParams(parameters);
        if (par) {
          const pushed = await post(parPath, parameters);
          if (pushed.statusCode !== 201) return fail(reply, 'The pushed authorization request was refused', { status: pushed.statusCode, body: safeJson(pushed.body) });
          query = new URLSearchParams({ client_id: debuggerClientId, request_uri: (pushed.json() as { request_uri: string }).request_uri });
        }
        reply.setCookie(stateCookie, tool.sealer.seal(state, stateCookie), { ...cookieOptions, maxAge: stateLifetimeSeconds });
        return reply.redirect(`${issuer}${authorizePath}?${query}`, 303);
      },
    );

    const callback = async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = (request.method === 'POST' ? request.body : request.query) as Record<string, unknown> | undefined;
      const field = (name: string) => (typeof raw?.[name] === 'string' ? (raw[name] as string) : undefined);
      const saved = tool.sealer.unseal<DebuggerState>(request.cookies[stateCookie], stateCookie);
      reply.clearCookie(stateCookie, cookieOptions);
      if (!saved) return fail(reply, 'No debugger login in this browser', { error: 'invalid_request', error_description: 'The debugger cookie is missing or expired: start the login from the debugger page in this browser' });
      if (field('state') !== saved.state) return fail(reply, 'The state does not match', { error: 'invalid_request', error_description: 'state differs from the one the debugger sent (RFC 6749 §10.12)' });
      // RFC 9207: the authorization response names its issuer.
      if (field('iss') !== issuer) return fail(reply, 'The iss parameter does not match', { error: 'invalid_request', error_description: `iss must be ${issuer} (RFC 9207)`, iss: field('iss') ?? null });
      if (field('error') !== undefined) return fail(reply, 'The provider answered with an error', { error: field('error'), error_description: field('error_description') ?? null }, 200);
      const code = field('code');
      if (code === undefined) return fail(reply, 'The response has no code', { error: 'invalid_request', error_description: 'code is missing from the authorization response' });
      const redeemed = await post(tokenPath, { grant_type: 'authorization_code', code, redirect_uri: callbackUrl, code_verifier: saved.verifier });
      if (redeemed.statusCode !== 200) return fail(reply, 'The token endpoint refused the code', { status: redeemed.statusCode, body: safeJson(redeemed.body) }, 200);
      const tokens = redeemed.json() as Record<string, unknown>;
      const claims = claimsOf(tokens.id_token) as Record<string, unknown> | undefined;
      // OIDC Core §3.1.3.7: the id_token carries the nonce of the request.
      if (claims?.nonce !== saved.nonce) return fail(reply, 'The id_token nonce does not match', { error: 'invalid_token', error_description: 'nonce differs from the one the debugger sent' });
      return sendPage(reply, renderDebuggerResult(await result(tokens, 'Logged in: code redeemed')));
    };
    const callbackSchema = { tags: ['developer'], summary: 'The debugger client redirect URI: redeems the code and shows the tokens and userinfo' };
    app.get(debuggerCallbackPath, { ...page, schema: { ...callbackSchema, querystring: z.object({}).passthrough() } }, callback);
    app.post(debuggerCallbackPath, { ...page, schema: { ...callbackSchema, consumes: ['application/x-www-form-urlencoded'] } }, callback);

    const tokensOf = (request: FastifyRequest) => {
      const form = (request.body ?? {}) as Record<string, unknown>;
      const text = (name: string) => (typeof form[name] === 'string' && form[name] !== '' ? (form[name] as string) : undefined);
      return { accessToken: text('access_token'), refreshToken: text('refresh_token'), idToken: text('id_token'), hint: text('token_type_hint') };
    };
    const formSchema = (summary: string) => ({ ...page, schema: { tags: ['developer'], summary, consumes: ['application/x-www-form-urlencoded'] } });

    app.post(`${debuggerPath}/refresh`, formSchema('Refresh the debugger tokens at /token'), async (request, reply) => {
      const { refreshToken, idToken } = tokensOf(request);
      if (!refreshToken) return fail(reply, 'No refresh token', { error: 'invalid_request', error_description: 'refresh_token is missing' });
      const refreshed = await post(tokenPath, { grant_type: 'refresh_token', refresh_token: refreshToken });
      if (refreshed.statusCode !== 200) return fail(reply, 'The token endpoint refused the refresh token', { status: refreshed.statusCode, body: safeJson(refreshed.body) }, 200);
      return sendPage(reply, renderDebuggerResult(await result(refreshed.json() as Record<string, unknown>, 'Tokens refreshed', idToken)));
    });

    app.post(`${debuggerPath}/revoke`, formSchema('Revoke a debugger token at /token/revoke, then call /userinfo with the access token'), async (request, reply) => {
      const { accessToken, refreshToken, idToken, hint } = tokensOf(request);
      const token = hint === 'refresh_token' ? refreshToken : accessToken;
      if (!token) return fail(reply, 'No token to revoke', { error: 'invalid_request', error_description: `${hint ?? 'access_token'} is missing` });
      const revoked = await post(revocationPath, { token, token_type_hint: hint === 'refresh_token' ? 'refresh_token' : 'access_token' });
      const view = await result({ ...(accessToken ? { access_token: accessToken } : {}), ...(refreshToken ? { refresh_token: refreshToken } : {}) }, 'Token revoked', idToken);
      return sendPage(
        reply,
        renderDebuggerResult({
          ...view,
          tokenResponse: undefined,
          revocation: `/token/revoke answered ${revoked.statusCode} for the ${hint === 'refresh_token' ? 'refresh' : 'access'} token; userinfo below is called again with the access token.`,
        }),
      );
    });
  },
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
