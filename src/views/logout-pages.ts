// LOGOUT-06, LOGOUT-08, LOGOUT-12, LOGOUT-13: the logged-out page (h1#logged-out) and the
// front-channel logout page (one iframe per notified client; the final target also in
// data-post-logout-redirect so tools without JavaScript can follow it, docs/interface.md). The page
// proceeds once every iframe has loaded, or after 5 s. Its one script is allowed by its hash.
import type { Locale } from '../i18n/locale.js';
import { messages } from '../i18n/messages.js';
import type { ResponseParameters } from '../protocol/authorization-response.js';
import type { FrontchannelNotice } from '../protocol/logout.js';
import { cspSourceFor } from '../protocol/redirect-uri.js';
import { Html, cspHash, html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

/** LOGOUT-08: how long the page waits for slow relying parties (choice). */
export const frontchannelWaitMs = 5000;

// Runs before the iframes are parsed, so a capturing listener sees every load event.
const proceedScript = `(function(){var loaded=0,ready=false,done=false;
function go(){if(done)return;done=true;var f=document.getElementById('continue-form');if(f){f.submit();return;}var box=document.getElementById('frontchannel-logout');var t=box&&box.getAttribute('data-post-logout-redirect');if(t){location.replace(t);}}
function check(){if(ready&&loaded>=document.querySelectorAll('#frontchannel-logout iframe').length)go();}
document.addEventListener('load',function(e){if(e.target&&e.target.tagName==='IFRAME'){loaded++;check();}},true);
document.addEventListener('DOMContentLoaded',function(){ready=true;check();});
setTimeout(go,${frontchannelWaitMs});})();`;
const proceedHash = cspHash(proceedScript);

/** What happens after the notices: a redirect, an authorization response by form_post, or nothing. */
export type Continuation =
  | { kind: 'redirect'; url: string }
  | { kind: 'form_post'; action: string; parameters: ResponseParameters }
  | { kind: 'stay'; hadSession: boolean };

export function renderLoggedOutPage(locale: Locale, hadSession: boolean): RenderedPage {
  const t = messages[locale].logout;
  return renderPage({
    locale,
    title: t.loggedOutTitle,
    body: html`<h1 id="logged-out">${t.loggedOutTitle}</h1>
<p>${hadSession ? t.loggedOutText : t.noSessionText}</p>`,
  });
}

export function renderFrontchannelPage(locale: Locale, notices: readonly FrontchannelNotice[], next: Continuation): RenderedPage {
  const t = messages[locale].logout;
  const target = next.kind === 'redirect' ? next.url : undefined;
  const heading =
    next.kind === 'stay'
      ? html`<h1 id="logged-out">${t.loggedOutTitle}</h1>
<p>${t.loggedOutText}</p>`
      : html`<h1 id="logging-out">${t.loggingOutTitle}</h1>
<p>${t.loggingOutText}</p>`;
  const form =
    next.kind === 'form_post'
      ? html`<form id="continue-form" method="post" action="${next.action}">
${next.parameters.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<noscript><button type="submit">${t.continue}</button></noscript>
</form>`
      : html``;
  // LOGOUT-12: framing is allowed for exactly the notified clients' origins.
  const frameSources = [...new Set(notices.map((notice) => cspSourceFor(notice.url)))];
  return renderPage({
    locale,
    title: next.kind === 'stay' ? t.loggedOutTitle : t.loggingOutTitle,
    scriptHashes: [proceedHash],
    frameSrc: frameSources,
    ...(next.kind === 'form_post' ? { formAction: [cspSourceFor(next.action)] } : {}),
    body: html`<script>${new Html(proceedScript)}</script>
${heading}
<div id="frontchannel-logout"${target !== undefined ? html` data-post-logout-redirect="${target}"` : html``}>
${notices.map((notice) => html`<iframe src="${notice.url}" title="${notice.client_id}" hidden sandbox="allow-scripts allow-same-origin"></iframe>\n`)}</div>
${target !== undefined ? html`<noscript><p><a id="continue-link" href="${target}">${t.continue}</a></p></noscript>` : html``}
${form}`,
  });
}
