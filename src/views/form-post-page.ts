// AUTHZ-16 OAuth 2.0 Form Post Response Mode §2, §5: a page that POSTs the response to the
// redirect_uri, auto-submitted by one inline script allowed by its hash (never unsafe-inline),
// with a <noscript> button (docs/interface.md). Cache-Control: no-store is set by the route.
import type { Locale } from '../i18n/locale.js';
import { messages } from '../i18n/messages.js';
import type { ResponseParameters } from '../protocol/authorization-response.js';
import { cspSourceFor } from '../protocol/redirect-uri.js';
import { Html, cspHash, html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

const autoSubmit = 'document.forms[0].submit();';
const autoSubmitHash = cspHash(autoSubmit);

export function renderFormPostPage(redirectUri: string, parameters: ResponseParameters, locale: Locale): RenderedPage {
  const t = messages[locale].formPost;
  return renderPage({
    locale,
    title: t.title,
    body: html`<form method="post" action="${redirectUri}">
${parameters.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<noscript><p>${t.title}</p><button type="submit">${t.continue}</button></noscript>
</form>
<script>${new Html(autoSubmit)}</script>`,
    scriptHashes: [autoSubmitHash],
    // docs/traps.md, form-action: the form, and the redirects after it, must be allowed to reach the client.
    formAction: [cspSourceFor(redirectUri)],
  });
}
