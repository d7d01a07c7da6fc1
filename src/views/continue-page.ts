// The page of an external eID's answer (AUTHN-01): it moves the browser on to the pending login's
// own path by a meta refresh, a new navigation. A 303 would continue the redirect chain of the
// eID's login form, and Chrome holds every hop of that chain to the eID page's CSP form-action
// (docs/traps.md, form-action), which names this provider but not the client it answers next.
import type { Locale } from '../i18n/locale.js';
import { messages } from '../i18n/messages.js';
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export function renderContinuePage(locale: Locale, url: string): RenderedPage {
  const t = messages[locale].formPost;
  return renderPage({ locale, title: t.title, refreshTo: url, body: html`<h1 id="continue-title">${t.title}</h1>\n<p><a id="continue-link" href="${url}">${t.continue}</a></p>` });
}
