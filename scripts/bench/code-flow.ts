// The benchmark's code flow as its load generator drives it (bench-flow.ts, bench-compare.ts):
// PAR -> authorize -> login page -> login -> token with refresh -> userinfo, with the demo
// client demo-web and a TestID login; every request through `fetch`, redirects read by hand.
// A flow that does not end with the test person's pid at /userinfo throws.
import { createHash, randomBytes } from 'node:crypto';

/** client_secret_basic of the demo client demo-web (its secret as the embedded defaults register it). */
export const demoWebBasic = `Basic ${Buffer.from('demo-web:demo-web-secret-for-local-testing-only-0123456789').toString('base64')}`;
const redirectUri = 'http://localhost:8080/callback';
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

/** Where a measured stretch collects the latencies (ms) of one target's flows and requests. */
export interface Sink {
  flows: number[];
  requests: number[];
}
/** `step`, its latency (ms) added to `sink` when there is one. */
export async function timed<T>(sink: Sink | undefined, step: Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await step;
  sink?.requests.push(performance.now() - start);
  return result;
}

const cookiesOf = (response: Response): string[] => response.headers.getSetCookie().map((c) => c.split(';')[0]!);
const manual = { redirect: 'manual' } as const;

/** One flow against `issuer`; each request's latency, when `sink` is given, goes to it. */
export async function codeFlow(issuer: string, sink?: Sink): Promise<void> {
  const state = randomBytes(8).toString('base64url');
  const par = await timed(sink, fetch(`${issuer}/par`, {
    method: 'POST',
    headers: { authorization: demoWebBasic },
    body: new URLSearchParams({ client_id: 'demo-web', redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', state, nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }),
  }));
  const { request_uri } = (await par.json()) as { request_uri: string };
  const authorize = await timed(sink, fetch(`${issuer}/authorize?client_id=demo-web&request_uri=${encodeURIComponent(request_uri)}`, manual));
  const authorizeBody = await authorize.text();
  if (!authorize.headers.get('location')) throw new Error(`flow failed at /authorize: ${authorize.status} ${authorizeBody.slice(0, 300)}`);
  const loginUrl = `${issuer}${authorize.headers.get('location')}`;
  const cookie = cookiesOf(authorize).join('; ');
  const page = await timed(sink, fetch(loginUrl, { ...manual, headers: { cookie } }));
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const login = await timed(sink, fetch(loginUrl, {
    ...manual,
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, action: 'login', pid: '21879498012', acr: 'idporten-loa-substantial' }),
  }));
  await login.arrayBuffer();
  const code = new URL(String(login.headers.get('location'))).searchParams.get('code')!;
  const token = await timed(sink, fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: demoWebBasic },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  }));
  const { access_token } = (await token.json()) as { access_token: string };
  const info = await timed(sink, fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } }));
  const body = (await info.json()) as { pid?: string };
  if (info.status !== 200 || body.pid !== '21879498012') throw new Error(`flow failed at userinfo: ${info.status}`);
}

