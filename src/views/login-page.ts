// The login page, which is the eID selector (AUTHN-01): one section per eID that can meet the
// request, in the provider's order; a lone eID is shown alone, without the selector. Stable ids
// of docs/interface.md: the TestID form (AUTHN-03) form#login-form, input pid, radio acr,
// button#login-submit / #login-cancel (name action); the eIDAS test login (IDT-11)
// form#eidas-login-form with inputs eidas_identifier, eidas_firstname, eidas_lastname,
// eidas_date_of_birth and button#eidas-login-submit; an external eID the link a#<id>-login-submit. Shows the client's (or its onbehalfof sub-identity's) name (AUTHZ-28,
// AUTHZ-24), lists only levels that meet the client's minimum (AUTHN-01), switches language by
// links that set the language cookie (AUTHZ-13), and may post and redirect onwards to the
// client's redirect_uri origin only (docs/traps.md, form-action).
import type { Locale } from '../i18n/locale.js';
import { messages, type EidasMessages, type LoginMessages } from '../i18n/messages.js';
import type { AcrLevel, EidasLevel } from '../protocol/acr.js';
import { html, type Html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

type EidasField = 'eidas_identifier' | 'eidas_firstname' | 'eidas_lastname' | 'eidas_date_of_birth';

export interface TestIdSection {
  levels: readonly AcrLevel[];
  selectedLevel: AcrLevel;
  pid?: string;
  problem?: keyof LoginMessages['problems'];
  /** AUTHN-03: ready synthetic persons, each a submit button named person. */
  persons?: readonly { kind: 'adult' | 'minor' | 'senior' | 'd-number'; pid: string; age: number }[];
}

export interface EidasSection {
  levels: readonly EidasLevel[];
  selectedLevel: EidasLevel;
  /** What the user typed, shown again after a refusal. */
  values: Partial<Record<EidasField, string>>;
  problem?: keyof EidasMessages['problems'];
}

export interface LoginPageInput {
  locale: Locale;
  clientName: string;
  /** AUTHZ-28, CLIENT-01: the client's logo, a validated data: URL. */
  clientLogo?: string | undefined;
  action: string;
  csrf: string;
  /** AUTHN-03: TestID, when it can meet the request. */
  testid?: TestIdSection | undefined;
  /** IDT-11: the eIDAS test login, when eIDAS was requested. */
  eidas?: EidasSection | undefined;
  /** External eIDs (an upstream OpenID Provider): one button each. */
  external?: readonly { id: string; name: string }[];
  /** URL that switches the page to a locale. */
  languageLink: (locale: Locale) => string;
  /** CSP sources the form's POST may lead to: 'self' and the client's redirect origin. */
  formAction: readonly string[];
}

function testIdForm(input: LoginPageInput, section: TestIdSection): Html {
  const t = messages[input.locale].login;
  const levelLabel = (level: AcrLevel): string => (level === 'idporten-loa-substantial' || level === 'idporten-loa-high' ? t.levels[level] : level);
  return html`<form id="login-form" method="post" action="${input.action}" autocomplete="off">
<input type="hidden" name="csrf" value="${input.csrf}">
<label for="pid">${t.pidLabel}</label>
<input type="text" id="pid" name="pid" inputmode="numeric" pattern="[0-9]{11}" maxlength="11" value="${section.pid ?? ''}"${section.problem ? html` aria-invalid="true" aria-describedby="login-problem"` : html``}>
${section.problem ? html`<p class="error" id="login-problem" role="alert">${t.problems[section.problem]}</p>` : html``}
<fieldset>
<legend>${t.levelLegend}</legend>
${section.levels.map(
  (level) => html`<label><input type="radio" name="acr" value="${level}"${level === section.selectedLevel ? html` checked` : html``}> ${levelLabel(level)}</label>\n`,
)}</fieldset>
<button class="primary" type="submit" id="login-submit" name="action" value="login">${t.submit}</button>
<button class="secondary" type="submit" id="login-cancel" name="action" value="cancel" formnovalidate>${t.cancel}</button>
${
  // After the main buttons, so that Enter in the number field still means #login-submit (the
  // form's default button is its first submit button).
  section.persons?.length
    ? html`<fieldset id="test-persons">
<legend>${t.personsLegend}</legend>
<ul class="persons">
${section.persons.map(
  (person) =>
    html`<li><button class="secondary person" type="submit" id="test-person-${person.kind}" name="person" value="${person.pid}" formnovalidate>${t.persons[person.kind](person.age)} <span class="pid">${person.pid}</span></button></li>\n`,
)}</ul>
</fieldset>
`
    : html``
}</form>`;
}

function eidasForm(input: LoginPageInput, section: EidasSection, withCancel: boolean): Html {
  const t = messages[input.locale].eidas;
  const cancel = messages[input.locale].login.cancel;
  const field = (name: EidasField, label: string, extra: Html = html``) =>
    html`<label for="${name}">${label}</label>
<input type="text" id="${name}" name="${name}" maxlength="${name === 'eidas_identifier' ? '206' : name === 'eidas_date_of_birth' ? '10' : '100'}" value="${section.values[name] ?? ''}"${extra}>
`;
  return html`<form id="eidas-login-form" method="post" action="${input.action}" autocomplete="off">
<input type="hidden" name="csrf" value="${input.csrf}">
<input type="hidden" name="method" value="eidas">
<p class="meta">${t.notice}</p>
${field('eidas_identifier', t.identifierLabel)}${field('eidas_firstname', t.firstnameLabel)}${field('eidas_lastname', t.lastnameLabel)}${field('eidas_date_of_birth', t.dateOfBirthLabel, html` pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="1990-12-31"`)}${
    section.problem ? html`<p class="error" id="eidas-login-problem" role="alert">${t.problems[section.problem]}</p>\n` : html``
  }${
    section.levels.length > 1
      ? html`<fieldset>
<legend>${t.levelLegend}</legend>
${section.levels.map(
  (level) => html`<label><input type="radio" name="eidas_acr" value="${level}"${level === section.selectedLevel ? html` checked` : html``}> ${level === 'eidas-loa-low' ? level : t.levels[level]}</label>\n`,
)}</fieldset>
`
      : html`<input type="hidden" name="eidas_acr" value="${section.selectedLevel}">\n`
  }<button class="primary" type="submit" id="eidas-login-submit" name="action" value="login">${t.submit}</button>
${withCancel ? html`<button class="secondary" type="submit" id="eidas-login-cancel" name="action" value="cancel" formnovalidate>${cancel}</button>\n` : html``}</form>`;
}

/**
 * An external eID: a link, not a form — the browser leaves for the eID, and a link's navigation is
 * not subject to form-action (docs/traps.md), which could not name an eID's origin in advance.
 */
function externalLink(input: LoginPageInput, eid: { id: string; name: string }): Html {
  const t = messages[input.locale];
  return html`<p><a class="button primary" id="${eid.id}-login-submit" href="${input.action}/external/${encodeURIComponent(eid.id)}">${t.selector.externalSubmit(eid.name)}</a></p>`;
}

export function renderLoginPage(input: LoginPageInput): RenderedPage {
  const m = messages[input.locale];
  const sections: { id: string; title: string; body: Html }[] = [];
  if (input.testid) sections.push({ id: 'testid', title: m.login.title, body: testIdForm(input, input.testid) });
  // AUTHZ-26: the TestID form has the cancel button; without it, the eIDAS form carries one (an
  // external eID alone is never shown: the browser goes there at once).
  if (input.eidas) sections.push({ id: 'eidas', title: m.eidas.title, body: eidasForm(input, input.eidas, input.testid === undefined) });
  for (const eid of input.external ?? []) sections.push({ id: eid.id, title: eid.name, body: externalLink(input, eid) });
  const logo = input.clientLogo ? html`<img id="login-client-logo" src="${input.clientLogo}" alt="">\n` : html``;
  if (sections.length === 1 && input.testid) {
    // AUTHN-01: TestID alone is the TestID page as it always was.
    return renderPage({
      locale: input.locale,
      title: m.login.title,
      languageLink: input.languageLink,
      formAction: input.formAction,
      body: html`<h1 id="login-title">${m.login.title}</h1>
${logo}<p id="login-client">${m.login.intro(input.clientName)}</p>
<p class="meta">${m.login.testNotice}</p>
${sections[0]!.body}`,
    });
  }
  const single = sections.length === 1 ? sections[0]! : undefined;
  const title = single ? single.title : m.selector.title;
  return renderPage({
    locale: input.locale,
    title,
    languageLink: input.languageLink,
    formAction: input.formAction,
    body: html`<h1 id="login-title">${title}</h1>
${logo}<p id="login-client">${single ? m.login.intro(input.clientName) : m.selector.intro(input.clientName)}</p>
${
  single
    ? single.body
    : html`<ul id="eid-selector">
${sections.map((section) => html`<li><a href="#eid-${section.id}">${section.title}</a></li>\n`)}</ul>
${sections.map((section) => html`<section id="eid-${section.id}">
<h2>${section.title}</h2>
${section.id === 'testid' ? html`<p class="meta">${m.login.testNotice}</p>\n` : html``}${section.body}
</section>
`)}`
}`,
  });
}
