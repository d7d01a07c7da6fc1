// The test-mode pages for relying-party developers (docs/interface.md, "Tools for relying-party
// developers"): the landing page, the debugger (form#debugger-form and the result ids
// debugger-id-token, debugger-access-token, debugger-userinfo) and the API reference rendered
// from the generated OpenAPI document. Plain server-rendered HTML under the same strict CSP as
// every page (no script at all); written in English, the language of the protocol documents.
import type { OpenAPIV3_1 } from 'openapi-types';
import { html, type Html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export interface LandingClient {
  client_id: string;
  client_name: string;
  token_endpoint_auth_method: string;
  redirect_uris: readonly string[];
  post_logout_redirect_uris: readonly string[];
  scopes: readonly string[];
}

export interface LandingInput {
  issuer: string;
  links: { discovery: string; jwks: string; debugger: string; apiReference: string; openapi: string };
  clients: readonly LandingClient[];
  persons: readonly { kind: string; pid: string; age: number }[];
}

export function renderLandingPage(input: LandingInput): RenderedPage {
  return renderPage({
    locale: 'en',
    title: 'ID-porten profile OpenID Provider (test mode)',
    wide: true,
    body: html`<h1 id="landing-title">ID-porten profile OpenID Provider</h1>
<p>Test mode at <code id="landing-issuer">${input.issuer}</code>. Logins use TestID with synthetic national identity numbers; nothing here is real.</p>
<h2>Start here</h2>
<ul id="landing-links">
<li><a id="link-discovery" href="${input.links.discovery}">Discovery document</a> (<code>/.well-known/openid-configuration</code>)</li>
<li><a id="link-jwks" href="${input.links.jwks}">Signing keys</a> (JWKS)</li>
<li><a id="link-debugger" href="${input.links.debugger}">Debugger</a>: log in as a relying party and see the tokens</li>
<li><a id="link-api-reference" href="${input.links.apiReference}">API reference</a>, from the <a id="link-openapi" href="${input.links.openapi}">OpenAPI document</a></li>
</ul>
<h2>Clients</h2>
<table id="landing-clients">
<caption class="meta">The registered clients and where they may be sent back to</caption>
<thead><tr><th scope="col">client_id</th><th scope="col">name</th><th scope="col">authentication</th><th scope="col">scopes</th><th scope="col">redirect URIs</th><th scope="col">after logout</th></tr></thead>
<tbody>
${input.clients.map(
  (client) =>
    html`<tr><td><code>${client.client_id}</code></td><td>${client.client_name}</td><td>${client.token_endpoint_auth_method}</td><td>${client.scopes.join(' ')}</td><td>${lines(client.redirect_uris)}</td><td>${lines(client.post_logout_redirect_uris)}</td></tr>\n`,
)}</tbody>
</table>
<h2>Test persons</h2>
<p>Type any synthetic number on the login page (<code>npm run testid -- 5</code> prints some), or use these:</p>
<ul id="landing-persons">
${input.persons.map((person) => html`<li><code>${person.pid}</code>: ${person.kind}, ${person.age} years</li>\n`)}</ul>`,
  });
}

const lines = (values: readonly string[]): Html => html`${values.map((value, i) => html`${i > 0 ? html`<br>` : html``}<code>${value}</code>`)}`;

export interface DebuggerFormInput {
  action: string;
  clientId: string;
  scopes: readonly string[];
  levels: readonly string[];
  /** Allowed to post to and follow redirects to ('self' and the issuer's origin). */
  formAction: readonly string[];
  notice?: string | undefined;
}

/** GET /debugger: the form that starts a flow as the built-in client. */
export function renderDebuggerPage(input: DebuggerFormInput): RenderedPage {
  return renderPage({
    locale: 'en',
    title: 'Debugger',
    wide: true,
    formAction: input.formAction,
    body: html`<h1 id="debugger-title">Debugger</h1>
<p>Starts a real authorization code flow (PKCE S256) as the built-in client <code>${input.clientId}</code> and shows what comes back.</p>
${input.notice ? html`<p id="debugger-notice" role="status">${input.notice}</p>` : html``}
<form id="debugger-form" method="post" action="${input.action}">
<label for="debugger-client">Client</label>
<select id="debugger-client" name="client_id"><option value="${input.clientId}" selected>${input.clientId}</option></select>
<fieldset class="inline">
<legend>Scopes</legend>
${input.scopes.map((scope) => html`<label><input type="checkbox" name="scope" value="${scope}" checked> ${scope}</label>\n`)}</fieldset>
<label for="debugger-acr">acr_values</label>
<select id="debugger-acr" name="acr_values"><option value="">(none: the client's default)</option>${input.levels.map((level) => html`<option value="${level}">${level}</option>`)}</select>
<label for="debugger-prompt">prompt</label>
<select id="debugger-prompt" name="prompt"><option value="">(none)</option><option value="login">login</option><option value="consent">consent</option><option value="none">none</option></select>
<label for="debugger-response-mode">response_mode</label>
<select id="debugger-response-mode" name="response_mode"><option value="query">query</option><option value="form_post">form_post</option></select>
<fieldset class="inline">
<legend>Pushed authorization request</legend>
<label><input type="checkbox" id="debugger-par" name="par" value="on"> send the request to /par first (PAR)</label>
</fieldset>
<button class="primary" type="submit" id="debugger-start">Start login</button>
</form>`,
  });
}

export interface DebuggerResultInput {
  /** What happened: "Code redeemed", "Tokens refreshed", an error … */
  heading: string;
  startAgain: string;
  tokenResponse?: unknown;
  idToken?: unknown;
  accessToken?: unknown;
  userinfo?: unknown;
  /** An error from the provider (authorization response or token endpoint). */
  error?: unknown;
  revocation?: string | undefined;
  actions?: { refresh?: { action: string; refreshToken: string; idToken?: string | undefined }; revoke?: { action: string; accessToken?: string | undefined; refreshToken?: string | undefined; idToken?: string | undefined }; logout?: { action: string; idToken: string; postLogoutRedirectUri: string; state: string } };
  formAction: readonly string[];
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** The callback page and the pages after refresh and revoke. */
export function renderDebuggerResult(input: DebuggerResultInput): RenderedPage {
  const { actions = {} } = input;
  const section = (id: string, title: string, value: unknown): Html =>
    value === undefined ? html`` : html`<h2 id="${id}-heading">${title}</h2>\n<pre id="${id}" tabindex="0" aria-labelledby="${id}-heading">${json(value)}</pre>\n`;
  return renderPage({
    locale: 'en',
    title: `Debugger: ${input.heading}`,
    wide: true,
    formAction: input.formAction,
    body: html`<h1 id="debugger-result">${input.heading}</h1>
<p><a id="debugger-again" href="${input.startAgain}">Start another login</a></p>
${section('debugger-error', 'Error', input.error)}${input.revocation ? html`<p id="debugger-revocation" role="status">${input.revocation}</p>\n` : html``}${section('debugger-token-response', 'Token response', input.tokenResponse)}${section('debugger-id-token', 'ID token claims', input.idToken)}${section('debugger-access-token', 'Access token claims', input.accessToken)}${section('debugger-userinfo', 'Userinfo', input.userinfo)}${
      actions.refresh || actions.revoke || actions.logout
        ? html`<h2>Next</h2>
${
  actions.refresh
    ? html`<form id="debugger-refresh-form" method="post" action="${actions.refresh.action}"><input type="hidden" name="refresh_token" value="${actions.refresh.refreshToken}">${actions.refresh.idToken ? html`<input type="hidden" name="id_token" value="${actions.refresh.idToken}">` : html``}<button class="secondary" type="submit" id="debugger-refresh">Refresh the tokens</button></form>\n`
    : html``
}${
  actions.revoke
    ? html`<form id="debugger-revoke-form" method="post" action="${actions.revoke.action}">${actions.revoke.accessToken ? html`<input type="hidden" name="access_token" value="${actions.revoke.accessToken}">` : html``}${actions.revoke.refreshToken ? html`<input type="hidden" name="refresh_token" value="${actions.revoke.refreshToken}">` : html``}${actions.revoke.idToken ? html`<input type="hidden" name="id_token" value="${actions.revoke.idToken}">` : html``}<button class="secondary" type="submit" id="debugger-revoke-access" name="token_type_hint" value="access_token">Revoke the access token</button>${actions.revoke.refreshToken ? html`<button class="secondary" type="submit" id="debugger-revoke-refresh" name="token_type_hint" value="refresh_token">Revoke the refresh token</button>` : html``}</form>\n`
    : html``
}${
  actions.logout
    ? html`<form id="debugger-logout-form" method="get" action="${actions.logout.action}"><input type="hidden" name="id_token_hint" value="${actions.logout.idToken}"><input type="hidden" name="post_logout_redirect_uri" value="${actions.logout.postLogoutRedirectUri}"><input type="hidden" name="state" value="${actions.logout.state}"><button class="secondary" type="submit" id="debugger-logout">Log out</button></form>\n`
    : html``
}`
        : html``
    }`,
  });
}

type Operation = OpenAPIV3_1.OperationObject & { hide?: boolean };

/** GET /docs: every operation of the generated OpenAPI document, grouped by tag. */
export function renderApiReference(document: OpenAPIV3_1.Document, openapiUrl: string): RenderedPage {
  const operations: { method: string; path: string; operation: Operation }[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = (item as Record<string, Operation | undefined> | undefined)?.[method];
      if (operation) operations.push({ method: method.toUpperCase(), path, operation });
    }
  }
  const tags = document.tags ?? [];
  const ofTag = (name: string) => operations.filter(({ operation }) => (operation.tags ?? ['other'])[0] === name);
  const fields = (operation: Operation): { name: string; where: string; required: boolean; description: string }[] => {
    const out: { name: string; where: string; required: boolean; description: string }[] = [];
    for (const parameter of (operation.parameters ?? []) as OpenAPIV3_1.ParameterObject[]) {
      out.push({ name: parameter.name, where: parameter.in, required: parameter.required ?? false, description: parameter.description ?? (parameter.schema as OpenAPIV3_1.SchemaObject | undefined)?.description ?? '' });
    }
    const body = operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
    for (const [type, media] of Object.entries(body?.content ?? {})) {
      const schema = media.schema as OpenAPIV3_1.SchemaObject | undefined;
      const required = new Set(schema?.required ?? []);
      for (const [name, property] of Object.entries(schema?.properties ?? {})) {
        out.push({ name, where: `body (${type})`, required: required.has(name), description: (property as OpenAPIV3_1.SchemaObject).description ?? '' });
      }
    }
    return out;
  };
  const anchor = (method: string, path: string) => `op-${method.toLowerCase()}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  return renderPage({
    locale: 'en',
    title: `API reference: ${document.info.title}`,
    wide: true,
    body: html`<h1 id="api-reference">API reference</h1>
<p>${document.info.description ?? ''} Generated from <a id="link-openapi" href="${openapiUrl}">the OpenAPI document</a> (version ${document.info.version}).</p>
<nav aria-label="Operations"><ul>
${tags.map((tag) => html`<li><a href="#tag-${tag.name}">${tag.name}</a>: ${tag.description ?? ''}</li>\n`)}</ul></nav>
${tags.map(
  (tag) => html`<section aria-labelledby="tag-${tag.name}">
<h2 id="tag-${tag.name}">${tag.name}</h2>
${ofTag(tag.name).map(({ method, path, operation }) => {
  const list = fields(operation);
  return html`<h3 id="${anchor(method, path)}"><code>${method} ${path}</code></h3>
<p>${operation.summary ?? ''}</p>
${
  list.length
    ? html`<table><caption class="meta">Parameters of ${method} ${path}</caption><thead><tr><th scope="col">name</th><th scope="col">in</th><th scope="col">required</th><th scope="col">description</th></tr></thead><tbody>
${list.map((field) => html`<tr><td><code>${field.name}</code></td><td>${field.where}</td><td>${field.required ? 'yes' : 'no'}</td><td>${field.description}</td></tr>\n`)}</tbody></table>`
    : html``
}
<p class="meta">Responses: ${Object.keys(operation.responses ?? {}).join(', ')}</p>
`;
})}</section>
`,
)}`,
  });
}
