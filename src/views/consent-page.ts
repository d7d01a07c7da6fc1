// AUTHZ-27 OIDC Core §3.1.2.4: the consent page, with the stable ids of docs/interface.md:
// form#consent-form, ul#consent-scopes (one li per scope, data-scope = its name, its description
// and long_description from the scope registry), button#consent-accept / #consent-decline (name
// action). Shows the client's name (AUTHZ-28), speaks nb, nn, en and se (AUTHZ-13), and may post
// and redirect onwards to the client's redirect_uri origin only (docs/traps.md, form-action).
import type { Locale } from '../i18n/locale.js';
import { messages } from '../i18n/messages.js';
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export interface ConsentPageInput {
  locale: Locale;
  clientName: string;
  action: string;
  csrf: string;
  scopes: readonly { name: string; description: string; long_description?: string | undefined }[];
  /** URL that switches the page to a locale. */
  languageLink: (locale: Locale) => string;
  /** CSP sources the form's POST may lead to: 'self' and the client's redirect origin. */
  formAction: readonly string[];
}

export function renderConsentPage(input: ConsentPageInput): RenderedPage {
  const t = messages[input.locale].consent;
  return renderPage({
    locale: input.locale,
    title: t.title,
    languageLink: input.languageLink,
    formAction: input.formAction,
    body: html`<h1 id="consent-title">${t.title}</h1>
<p id="consent-client">${t.intro(input.clientName)}</p>
<ul id="consent-scopes">
${input.scopes.map(
  (scope) => html`<li data-scope="${scope.name}"><strong>${scope.description}</strong>${scope.long_description ? html`<br><span class="meta">${scope.long_description}</span>` : html``}</li>\n`,
)}</ul>
<p class="meta">${t.remembered}</p>
<form id="consent-form" method="post" action="${input.action}">
<input type="hidden" name="csrf" value="${input.csrf}">
<button class="primary" type="submit" id="consent-accept" name="action" value="accept">${t.accept}</button>
<button class="secondary" type="submit" id="consent-decline" name="action" value="decline">${t.decline}</button>
</form>`,
  });
}
