// The page frame shared by every user-facing page: one inline stylesheet allowed by its hash,
// no scripts unless a page brings its own (hashed too), never framable (AUTHZ-28).
import type { Locale } from '../i18n/locale.js';
import { messages, type Messages } from '../i18n/messages.js';
import { Html, cspHash, html } from './html.js';

const stylesheet = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}
body{margin:0;background:#f4f4f4;color:#1e1e1e}
main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin-top:0}
code{background:#f0f0f0;padding:.1rem .3rem;border-radius:3px}
.meta{color:#555;font-size:.9rem}
nav.lang{max-width:34rem;margin:1rem auto 0;text-align:right;font-size:.9rem}
nav.lang a,nav.lang strong{margin-left:.6rem}
label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input[type=text]{width:100%;box-sizing:border-box;padding:.55rem;font-size:1.05rem;border:1px solid #767676;border-radius:4px}
fieldset{border:1px solid #ccc;border-radius:4px;margin:1rem 0}
button{padding:.6rem 1.2rem;font-size:1rem;border-radius:4px;border:1px solid #0062ba;cursor:pointer;margin-right:.5rem}
button.primary{background:#0062ba;color:#fff}
button.secondary{background:#fff;color:#0062ba}
a.button{display:inline-block;padding:.6rem 1.2rem;border-radius:4px;text-decoration:none}
a.button.primary{background:#0062ba;color:#fff}
.error{color:#b00020;font-weight:600}
ul.persons{list-style:none;padding:0;margin:.4rem 0}
ul.persons li{margin:.3rem 0}
button.person{width:100%;text-align:left;margin:0}
.pid{font-family:ui-monospace,monospace;float:right}
main.wide{max-width:60rem}
pre{background:#f0f0f0;padding:.8rem;border-radius:4px;overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;border-bottom:1px solid #ccc;padding:.3rem .4rem;vertical-align:top}
select{padding:.45rem;font-size:1rem;border:1px solid #767676;border-radius:4px;background:#fff;color:#1e1e1e}
a{color:#0062ba}
.inline label{display:inline;font-weight:400;margin-right:1rem}
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #1e1e1e;outline-offset:2px}
`.trim();

const styleHash = cspHash(stylesheet);
const stylesheetHtml = new Html(stylesheet);

export interface PageOptions {
  locale: Locale;
  title: string;
  body: Html;
  /** Language links: the URL that switches to a locale, or nothing for pages without a switcher. */
  languageLink?: (locale: Locale) => string;
  /** Hashes of the page's own inline scripts. */
  scriptHashes?: readonly string[];
  /** Where forms on the page may post to, and where their redirects may lead (docs/traps.md, form-action). */
  formAction?: readonly string[];
  /** Origins the page may frame (front-channel logout). */
  frameSrc?: readonly string[];
  /** A wider column, for the developer pages' tables and JSON. */
  wide?: boolean;
  /** A same-origin URL the browser moves on to at once (meta refresh: a new navigation, no script). */
  refreshTo?: string;
}

export interface RenderedPage {
  body: string;
  contentSecurityPolicy: string;
}

export function renderPage(options: PageOptions): RenderedPage {
  const t: Messages = messages[options.locale];
  const switcher = options.languageLink
    ? html`<nav class="lang" aria-label="${t.languageSwitcherLabel}">${(Object.keys(messages) as Locale[]).map((locale) =>
        locale === options.locale
          ? html`<strong lang="${messages[locale].htmlLang}">${messages[locale].languageName}</strong>`
          : html`<a lang="${messages[locale].htmlLang}" href="${options.languageLink!(locale)}">${messages[locale].languageName}</a>`,
      )}</nav>`
    : html``;
  const body = html`<!doctype html>
<html lang="${t.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${options.refreshTo !== undefined ? html`<meta http-equiv="refresh" content="0;url=${options.refreshTo}">
` : html``}<title>${options.title}</title>
<style>${stylesheetHtml}</style>
</head>
<body>
${switcher}
<main${options.wide ? html` class="wide"` : html``}>
${options.body}
</main>
</body>
</html>
`;
  const directives = [
    "default-src 'none'",
    `style-src ${styleHash}`,
    `script-src ${options.scriptHashes?.length ? options.scriptHashes.join(' ') : "'none'"}`,
    "img-src 'self' data:",
    `form-action ${options.formAction?.length ? options.formAction.join(' ') : "'self'"}`,
    `frame-src ${options.frameSrc?.length ? options.frameSrc.join(' ') : "'none'"}`,
    // AUTHZ-28: no page of ours may be framed.
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ];
  return { body: body.text, contentSecurityPolicy: directives.join('; ') };
}

