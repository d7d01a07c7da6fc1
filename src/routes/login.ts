// The TestID login page (AUTHN-01…08, AUTHZ-26, AUTHZ-28, SSO-01, SSO-06): GET shows it, POST
// authenticates or cancels. The pending request arrives sealed in the interaction cookie, which
// binds it to this browser; the form's CSRF token is compared with it in constant time.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LoginMessages } from '../i18n/messages.js';
import { OAuthError } from '../errors.js';
import {
  deliverCode,
  deliverError,
  flowServices,
  interactionCookie,
  interactionCookieOptions,
  issueCodeOps,
  localeOf,
  loginPageUrl,
  sessionCookie,
  sessionCookieOptions,
  type Interaction,
} from '../http/authorization-flow.js';
import { sendPage } from '../http/headers.js';
import { endBrowserSession } from '../http/logout.js';
import { appendQueryParameters, successParameters } from '../protocol/authorization-response.js';
import { renderFrontchannelPage, type Continuation } from '../views/logout-pages.js';
import { isLocale, languageCookie, type Locale } from '../i18n/locale.js';
import { acrRank, strongest } from '../protocol/acr.js';
import { cspSourceFor } from '../protocol/redirect-uri.js';
import type { AuthenticatedSubject } from '../protocol/tokens.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { loginFor, newSessionCookieValue, newSid, type SessionLogin, type SessionRecord } from '../store/sessions.js';
import type { WriteOp } from '../store/store.js';
import { renderLoginPage } from '../views/login-page.js';
import type { RouteModule } from './module.js';
import { documentOnly } from './schemas.js';

const loginPath = '/login/:interactionId';

interface Pending {
  interaction: Interaction;
  client: RegisteredClient;
}

const expired = () => new OAuthError('invalid_request', 'The login has expired or was already completed; start again from the service', { mayRedirect: false });

/** The interaction sealed for this id and this browser, still pending; else the error page. */
function loadPending(request: FastifyRequest): Pending {
  const context = request.server.op;
  const { interactionId } = request.params as { interactionId: string };
  const interaction = flowServices(context).interactions.unseal<Interaction>(request.cookies[interactionCookie], interactionId);
  if (!interaction || interaction.id !== interactionId || interaction.expires_at <= context.clock()) throw expired();
  // CLIENT-17: a client deactivated meanwhile is unknown.
  const client = context.registry.find(interaction.request.client_id);
  if (!client) throw new OAuthError('invalid_client', 'Unknown or inactive client_id', { mayRedirect: false });
  request.clientId = client.client_id;
  request.clientName = client.client_name;
  return { interaction, client };
}

function showPage(
  request: FastifyRequest,
  reply: FastifyReply,
  pending: Pending,
  locale: Locale,
  extra: { status?: number; pid?: string; problem?: keyof LoginMessages['problems']; acr?: string } = {},
): FastifyReply {
  const authenticator = request.server.op.authenticator!;
  const { interaction, client } = pending;
  // AUTHN-01: only levels that meet the client's minimum are offered.
  const levels = authenticator.levels.filter((level) => acrRank(level) >= acrRank(interaction.request.acr_minimum));
  const selected = levels.find((level) => level === extra.acr) ?? levels[0]!;
  const action = loginPageUrl(flowServices(request.server.op), interaction.id);
  const page = renderLoginPage({
    locale,
    clientName: client.client_name,
    action,
    csrf: interaction.csrf,
    levels,
    selectedLevel: selected,
    ...(extra.pid !== undefined ? { pid: extra.pid } : {}),
    ...(extra.problem !== undefined ? { problem: extra.problem } : {}),
    languageLink: (l) => `${action}?lang=${l}`,
    // STACK.md T6: the POST is answered by a redirect to the client, which form-action governs.
    formAction: ["'self'", cspSourceFor(interaction.request.redirect_uri)],
  });
  return sendPage(reply, page, extra.status ?? 200);
}

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const formValue = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
};

async function submit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const context = request.server.op;
  const { config, clock, store } = context;
  const flow = flowServices(context);
  const pending = loadPending(request);
  const { interaction, client } = pending;
  const body = (request.body ?? {}) as Record<string, unknown>;
  // CSRF: the hidden field must equal the token sealed in this browser's cookie.
  if (!safeEqual(formValue(body, 'csrf') ?? '', interaction.csrf)) {
    throw new OAuthError('invalid_request', 'The login form is not valid for this login; start again from the service', { mayRedirect: false });
  }
  const locale = localeOf(request, interaction.request.ui_locales);
  const target = {
    redirect_uri: interaction.request.redirect_uri,
    response_mode: interaction.request.response_mode,
    ...(interaction.request.state !== undefined ? { state: interaction.request.state } : {}),
  };
  const now = clock();
  const usedMarker = context.keys.interactionUsed(interaction.id);
  const finish = () => reply.clearCookie(interactionCookie, interactionCookieOptions(flow, interaction.id, 0));

  const action = formValue(body, 'action');
  if (action === 'cancel') {
    // AUTHZ-26 RFC 6749 §4.1.2.1: the user declined; the interaction is used up.
    if (!(await store.setIfAbsent(usedMarker, 1, interactionLifetimeLeft(interaction, now)))) throw expired();
    finish();
    return deliverError(reply, target, new OAuthError('access_denied', 'The user cancelled the login'), config.issuer, locale);
  }
  if (action !== 'login') return showPage(request, reply, pending, locale, { status: 400 });

  const outcome = context.authenticator!.authenticate(
    { pid: formValue(body, 'pid'), acr: formValue(body, 'acr') },
    interaction.request.acr_minimum,
  );
  if (!outcome.ok) {
    return showPage(request, reply, pending, locale, {
      status: 422,
      pid: (formValue(body, 'pid') ?? '').slice(0, 11),
      problem: outcome.problem as keyof LoginMessages['problems'],
      acr: formValue(body, 'acr') ?? '',
    });
  }
  const { result } = outcome;
  const nowSeconds = Math.floor(now / 1000);

  // SSO-01: a new cookie after every login (no fixation). SSO-05, SSO-06: the same person keeps
  // the login being replaced (its sid) and its level only goes up. SSO-08, SSO-09: a client that
  // opted out of SSO gets an isolated login in the same browser session, sharing its timers.
  const previous = await flow.sessions.find(request.cookies[sessionCookie], now);
  const current = previous ? loginFor(previous.record, client) : undefined;
  // SSO-07: one browser session belongs to one person. If any login in it (common or isolated)
  // is someone else's, the old browser session ends with full logout first.
  const otherPerson = previous !== null && [previous.record.common, ...Object.values(previous.record.isolated ?? {})].some((l) => l !== undefined && l.pid !== result.pid);
  const continuing = otherPerson ? undefined : current;
  const raised = !continuing || acrRank(result.acr) >= acrRank(continuing.acr);
  const login: SessionLogin = {
    sid: continuing?.sid ?? newSid(),
    pid: result.pid,
    acr: continuing ? strongest(continuing.acr, result.acr) : result.acr,
    amr: raised ? result.amr : continuing!.amr,
    auth_time: nowSeconds,
  };
  const kept = previous && !otherPerson ? previous.record : undefined;
  const record: SessionRecord = {
    created_at: kept?.created_at ?? now,
    last_active_at: now,
    ...(client.sso_disabled ? (kept?.common ? { common: kept.common } : {}) : { common: login }),
    isolated: client.sso_disabled ? { ...kept?.isolated, [client.client_id]: login } : { ...kept?.isolated },
  };
  const subject: AuthenticatedSubject = { pid: login.pid, acr: login.acr, amr: login.amr, auth_time: login.auth_time, sid: login.sid, locale };
  const newCookie = newSessionCookieValue();
  const sessionOps = flow.sessions.saveOps(newCookie, record, now);
  const { code, ops } = issueCodeOps(flow, client, interaction.request, subject, record, now);
  // One round trip for a fresh browser: the single-use claim on the interaction travels with
  // writes that only create new records. A replayed form (double submit, back button) loses the
  // claim and removes what it created; it never touched the live session, so nobody is logged
  // out. Only after a won claim is the previous session removed (SSO-01 rotation).
  const [claimed] = await Promise.all([store.setIfAbsent(usedMarker, 1, interactionLifetimeLeft(interaction, now)), store.write([...sessionOps, ...ops])]);
  if (!claimed) {
    await store.write(undoOps([...sessionOps, ...ops]));
    throw expired();
  }
  const notices = previous && otherPerson ? await endBrowserSession(context, flow, previous, 'another person logged in') : [];
  if (previous && !otherPerson) await store.write(flow.sessions.deleteOps(previous.cookie));
  finish();
  reply.setCookie(sessionCookie, newCookie, sessionCookieOptions(flow, flow.sessions.remainingMs(record, now)));
  if (notices.length > 0) {
    // SSO-07, LOGOUT-08: the previous person's clients are told before the new login proceeds.
    const parameters = successParameters(code, target, config.issuer);
    const next: Continuation =
      target.response_mode === 'form_post'
        ? { kind: 'form_post', action: target.redirect_uri, parameters }
        : { kind: 'redirect', url: appendQueryParameters(target.redirect_uri, parameters) };
    return sendPage(reply, renderFrontchannelPage(locale, notices, next));
  }
  return deliverCode(reply, target, code, config.issuer, locale);
}

const interactionLifetimeLeft = (interaction: Interaction, now: number): number => Math.max(1000, interaction.expires_at - now);

/** What takes back writes that only created records and added set members. */
const undoOps = (ops: readonly WriteOp[]): WriteOp[] =>
  ops.flatMap((op): WriteOp[] => (op.op === 'set' || op.op === 'create' ? [{ op: 'del', key: op.key }] : op.op === 'sadd' ? [{ op: 'srem', key: op.key, members: op.members }] : []));

export const loginModule: RouteModule = {
  name: 'login',
  register(app) {
    if (!app.op.authenticator) return; // AUTHN-03: no TestID outside test mode
    const params = z.object({ interactionId: z.string() });
    app.get(
      loginPath,
      {
        ...documentOnly,
        config: { errorStyle: 'html' },
        schema: { tags: ['login'], summary: 'TestID login page (test mode only)', params, querystring: z.object({ lang: z.enum(['nb', 'nn', 'en', 'se']).optional() }) },
      },
      async (request, reply) => {
        const pending = loadPending(request);
        const lang = (request.query as { lang?: unknown }).lang;
        let locale = localeOf(request, pending.interaction.request.ui_locales);
        if (isLocale(lang)) {
          // AUTHZ-13: an active choice in our UI is remembered and wins from now on.
          locale = lang;
          reply.setCookie(languageCookie, lang, { path: '/', httpOnly: true, sameSite: 'lax', secure: flowServices(request.server.op).secureCookies, maxAge: 365 * 86_400 });
        }
        return showPage(request, reply, pending, locale);
      },
    );
    app.post(
      loginPath,
      {
        ...documentOnly,
        config: { errorStyle: 'html' },
        schema: {
          tags: ['login'],
          summary: 'Submit the TestID login form (action=login) or cancel it (action=cancel, ends in access_denied)',
          consumes: ['application/x-www-form-urlencoded'],
          params,
          body: z.object({ csrf: z.string(), action: z.enum(['login', 'cancel']), pid: z.string().optional(), acr: z.string().optional() }),
        },
      },
      submit,
    );
  },
};
