// AUTHN-03 the TestID login page, with the stable ids of docs/interface.md: form#login-form, input
// pid, radio acr, button#login-submit / #login-cancel (name action). Shows the client's name
// (AUTHZ-28), lists only levels that meet the client's minimum (AUTHN-01), switches language by
// links that set the language cookie (AUTHZ-13), and may post and redirect onwards to the
// client's redirect_uri origin only (docs/traps.md, form-action).
import type { Locale } from '../i18n/locale.js';
import { messages, type LoginMessages } from '../i18n/messages.js';
import type { AcrLevel } from '../protocol/acr.js';
import { html } from './html.js';
import { renderPage, type RenderedPage } from './layout.js';

export interface LoginPageInput {
  locale: Locale;
  clientName: string;
  /** AUTHZ-28, CLIENT-01: the client's logo, a validated data: URL. */
  clientLogo?: string | undefined;
  action: string;
  csrf: string;
  levels: readonly AcrLevel[];
  selectedLevel: AcrLevel;
  pid?: string;
  problem?: keyof LoginMessages['problems'];
  /** URL that switches the page to a locale. */
  languageLink: (locale: Locale) => string;
  /** AUTHN-03: ready synthetic persons, each a submit button named person. */
  persons?: readonly { kind: 'adult' | 'minor' | 'senior' | 'd-number'; pid: string; age: number }[];
  /** CSP sources the form's POST may lead to: 'self' and the client's redirect origin. */
  formAction: readonly string[];
}

export function renderLoginPage(input: LoginPageInput): RenderedPage {
  const t = messages[input.locale].login;
  const levelLabel = (level: AcrLevel): string =>
    level === 'idporten-loa-substantial' || level === 'idporten-loa-high' ? t.levels[level] : level;
  return renderPage({
    locale: input.locale,
    title: t.title,
    languageLink: input.languageLink,
    formAction: input.formAction,
    body: html`<h1 id="login-title">${t.title}</h1>
${input.clientLogo ? html`<img id="login-client-logo" src="${input.clientLogo}" alt="">\n` : html``}<p id="login-client">${t.intro(input.clientName)}</p>
<p class="meta">${t.testNotice}</p>
<form id="login-form" method="post" action="${input.action}" autocomplete="off">
<input type="hidden" name="csrf" value="${input.csrf}">
<label for="pid">${t.pidLabel}</label>
<input type="text" id="pid" name="pid" inputmode="numeric" pattern="[0-9]{11}" maxlength="11" value="${input.pid ?? ''}"${input.problem ? html` aria-invalid="true" aria-describedby="login-problem"` : html``}>
${input.problem ? html`<p class="error" id="login-problem" role="alert">${t.problems[input.problem]}</p>` : html``}
<fieldset>
<legend>${t.levelLegend}</legend>
${input.levels.map(
  (level) => html`<label><input type="radio" name="acr" value="${level}"${level === input.selectedLevel ? html` checked` : html``}> ${levelLabel(level)}</label>\n`,
)}</fieldset>
<button class="primary" type="submit" id="login-submit" name="action" value="login">${t.submit}</button>
<button class="secondary" type="submit" id="login-cancel" name="action" value="cancel" formnovalidate>${t.cancel}</button>
${
  // After the main buttons, so that Enter in the number field still means #login-submit (the
  // form's default button is its first submit button).
  input.persons?.length
    ? html`<fieldset id="test-persons">
<legend>${t.personsLegend}</legend>
<ul class="persons">
${input.persons.map(
  (person) =>
    html`<li><button class="secondary person" type="submit" id="test-person-${person.kind}" name="person" value="${person.pid}" formnovalidate>${t.persons[person.kind](person.age)} <span class="pid">${person.pid}</span></button></li>
`,
)}</ul>
</fieldset>`
    : html``
}
</form>`,
  });
}
