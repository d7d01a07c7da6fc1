// A minimal browser over app.inject: keeps cookies (name, path, Max-Age) and follows nothing by
// itself, so tests see every hop. Also a fetch for openid-client that goes through app.inject.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SUBSTANTIAL, formPostAction, formPostFields, pid } from './vocabulary.js';

interface StoredCookie {
  value: string;
  path: string;
}

export class Browser {
  readonly cookies = new Map<string, StoredCookie>();
  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(path: string): string | undefined {
    const matching = [...this.cookies].filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/');
    return matching.length ? matching.map(([name, c]) => `${name}=${c.value}`).join('; ') : undefined;
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; path?: string; maxAge?: number; expires?: Date }[]) {
      const expired = cookie.maxAge !== undefined ? cookie.maxAge <= 0 : cookie.expires !== undefined && cookie.expires.getTime() <= Date.now();
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, { value: cookie.value, path: cookie.path ?? '/' });
    }
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const path = new URL(url, 'http://x').pathname;
    const cookie = this.cookieHeader(path);
    const response = await this.app.inject({ method: 'GET', url: toPath(url), headers: cookie ? { cookie } : {} });
    this.remember(response);
    return response;
  }

  async post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    const path = new URL(url, 'http://x').pathname;
    const cookie = this.cookieHeader(path);
    const response = await this.app.inject({
      method: 'POST',
      url: toPath(url),
      payload: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    });
    this.remember(response);
    return response;
  }
}

/** Absolute URLs of the provider become paths for inject. */
const toPath = (url: string): string => {
  if (!/^https?:\/\//.test(url)) return url;
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

/** A fetch for openid-client's customFetch that answers through the app's HTTP surface. */
export function injectFetch(app: FastifyInstance) {
  return async (url: string, options: { method?: string; headers?: Record<string, string> | Headers; body?: unknown }): Promise<Response> => {
    const headers = options.headers instanceof Headers ? Object.fromEntries(options.headers) : { ...(options.headers ?? {}) };
    const body = options.body === undefined ? undefined : options.body instanceof URLSearchParams ? options.body.toString() : String(options.body);
    const response = await app.inject({ method: (options.method ?? 'GET') as 'GET', url: toPath(url), headers, ...(body !== undefined ? { payload: body } : {}) });
    return new Response(response.statusCode === 204 || response.statusCode === 304 ? null : response.body, {
      status: response.statusCode,
      headers: Object.entries(response.headers).flatMap(([name, value]) => (value === undefined ? [] : Array.isArray(value) ? value.map((v) => [name, v] as [string, string]) : [[name, String(value)] as [string, string]])),
    });
  };
}

export interface LoginResult {
  /** The final response: a 303 to the client (query) or the 200 form_post page. */
  response: LightMyRequestResponse;
  loginPage?: LightMyRequestResponse;
}

/** Drive /authorize and the TestID page like a user: start, fill in (`pid` at SUBSTANTIAL unless told), submit. */
export async function loginThroughBrowser(
  browser: Browser,
  authorizeUrl: string,
  user: { pid?: string; acr?: string; action?: 'login' | 'cancel' } = {},
): Promise<LoginResult> {
  const start = await browser.get(authorizeUrl);
  const location = String(start.headers.location ?? '');
  if (start.statusCode !== 303 || !location.startsWith('/login/')) return { response: start };
  const loginPage = await browser.get(location);
  const csrf = /name="csrf" value="([^"]+)"/.exec(loginPage.body)?.[1] ?? '';
  const response = await browser.post(location, {
    csrf,
    action: user.action ?? 'login',
    pid: user.pid ?? pid,
    acr: user.acr ?? SUBSTANTIAL,
  });
  return { response, loginPage };
}

/** The callback URL (query mode) or a Request carrying the form (form_post), for openid-client. */
export function callbackFrom(response: LightMyRequestResponse): URL | Request {
  if (response.statusCode === 303) return new URL(String(response.headers.location));
  const action = formPostAction(response.body);
  if (!action) throw new Error(`not an authorization response: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return new Request(action, { method: 'POST', body: new URLSearchParams(formPostFields(response.body)), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}
