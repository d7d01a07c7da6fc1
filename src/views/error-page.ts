// ERR-01 RFC 6749 §4.1.2.1: the page for failures that must not redirect. HTTP 400 (or the
// error's own status), the stable ids of docs/interface.md, the client's name when known, a reference
// id that is also in the log, and no link to any unvalidated URI.
import type { Locale } from '../i18n/locale.js';
import { messages } from '../i18n/messages.js';
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export interface ErrorPageInput {
  locale: Locale;
  error: string;
  /** Safe ASCII description (already stripped of secrets). */
  description: string;
  referenceId: string;
  clientName?: string | undefined;
}

export function renderErrorPage(input: ErrorPageInput): RenderedPage {
  const t = messages[input.locale];
  return renderPage({
    locale: input.locale,
    title: t.errorTitle,
    body: html`<h1 id="op-error">${t.errorTitle}</h1>
<p>${input.clientName ? t.errorIntroWithClient(input.clientName) : t.errorIntro}</p>
<p>${t.errorCodeLabel}: <code id="op-error-code">${input.error}</code></p>
<p class="meta" id="op-error-description" lang="en">${input.description}</p>
<p>${t.errorAdvice}</p>
<p class="meta">${t.referenceLabel}: <code id="op-error-reference">${input.referenceId}</code></p>`,
  });
}
