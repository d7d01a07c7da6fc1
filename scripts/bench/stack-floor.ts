// The stack's floor for the benchmark's flow: a server built from the provider's own libraries
// (Fastify with @fastify/formbody and @fastify/cookie, ioredis, pino, jose, node:crypto) that does
// only what the flow cannot do without, and nothing of the profile's checks: the same six
// requests, each answered in the shape the benchmark's driver reads; the same six Redis round trips
// (PAR write, PAR read, code write, code read, token records write, token record read); the same
// two RS256 signatures and one jose verification; one pino line per request at info level into
// the provider's batched destination; the provider's security headers. No rate limits, metrics,
// audit log, sessions, consent, sealed cookies, client registry or validation.
//
// It answers "what would a flow cost if every line of ours were free": the CPU per flow of this
// server is a lower bound for the provider on the same machine. It is never a provider:
// bench-compare.ts runs it as the base with `--base stack-floor` (README, "Benchmark").
//   node --import tsx scripts/bench/stack-floor.ts   (OP_PORT, OP_REDIS_URL, OP_ISSUER)
import { createHash, generateKeyPairSync, randomBytes, sign, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { compactVerify, importJWK } from 'jose';
import { noStore } from '../../src/http/headers.js';
import { logDestination } from '../../src/http/log-stream.js';
import { addSecurityHeaders } from '../../src/http/security-headers.js';
import { demoWebBasic } from './code-flow.js';

const issuer = process.env.OP_ISSUER ?? 'http://127.0.0.1:3000';
const redis = new Redis(process.env.OP_REDIS_URL ?? 'redis://127.0.0.1:6379');
const basic = Buffer.from(demoWebBasic);
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const { n, e } = publicKey.export({ format: 'jwk' });
const verificationKey = await importJWK({ kty: 'RSA', n, e }, 'RS256');
const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'floor' })).toString('base64url');

const id = () => randomBytes(24).toString('base64url');
const jwt = (payload: object): string => {
  const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};
const clientAuthenticated = (authorization: string | undefined): boolean => {
  const given = Buffer.from(authorization ?? '');
  return given.length === basic.length && timingSafeEqual(given, basic);
};

const app = Fastify({ logger: { level: 'info', stream: logDestination() }, disableRequestLogging: true });
// The provider's own security headers (helmet's, computed once) and log destination (batched).
addSecurityHeaders(app);
app.addHook('onResponse', (request, reply, done) => {
  request.log.info({ req: request, status: reply.statusCode, ms: reply.elapsedTime }, 'request completed');
  done();
});
await app.register(cookie);
await app.register(formbody);

app.get('/readyz', async () => ({ status: 'ready' }));

app.post('/par', async (request, reply) => {
  if (!clientAuthenticated(request.headers.authorization)) return reply.code(401).send({ error: 'invalid_client' });
  const handle = id();
  await redis.set(`par:${handle}`, JSON.stringify(request.body), 'PX', 60_000);
  return noStore(reply).code(201).send({ request_uri: `urn:ietf:params:oauth:request_uri:${handle}`, expires_in: 60 });
});

app.get('/authorize', async (request, reply) => {
  const { request_uri } = request.query as { request_uri?: string };
  const stored = await redis.getdel(`par:${String(request_uri).slice('urn:ietf:params:oauth:request_uri:'.length)}`);
  if (stored === null) return reply.code(400).send({ error: 'invalid_request_uri' });
  const interaction = id();
  reply.setCookie('interaction', Buffer.from(stored).toString('base64url'), { path: '/login', httpOnly: true, sameSite: 'lax' });
  return reply.code(303).header('location', `/login/${interaction}`).send();
});

app.get('/login/:interaction', async (request, reply) => {
  const csrf = createHash('sha256').update(String(request.cookies.interaction)).digest('base64url');
  return reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="nb"><title>Logg inn</title><form method="post"><input type="hidden" name="csrf" value="${csrf}"><input name="pid"><button name="action" value="login">Logg inn</button></form></html>`);
});

app.post('/login/:interaction', async (request, reply) => {
  const { pid } = request.body as { pid?: string };
  const authorization = JSON.parse(Buffer.from(String(request.cookies.interaction), 'base64url').toString()) as { redirect_uri: string; state: string; nonce: string; code_challenge: string };
  const code = id();
  await redis.set(`code:${code}`, JSON.stringify({ ...authorization, pid, auth_time: Math.floor(Date.now() / 1000) }), 'PX', 60_000);
  return reply.code(303).header('location', `${authorization.redirect_uri}?code=${code}&state=${authorization.state}&iss=${encodeURIComponent(issuer)}`).send();
});

app.post('/token', async (request, reply) => {
  if (!clientAuthenticated(request.headers.authorization)) return reply.code(401).send({ error: 'invalid_client' });
  const { code, code_verifier } = request.body as { code?: string; code_verifier?: string };
  const stored = await redis.getdel(`code:${code}`);
  if (stored === null) return reply.code(400).send({ error: 'invalid_grant' });
  const grant = JSON.parse(stored) as { code_challenge: string; nonce: string; pid: string; auth_time: number };
  if (createHash('sha256').update(String(code_verifier)).digest('base64url') !== grant.code_challenge) return reply.code(400).send({ error: 'invalid_grant' });
  const now = Math.floor(Date.now() / 1000);
  const jti = id();
  const accessToken = jwt({ iss: issuer, client_id: 'demo-web', sub: grant.pid, pid: grant.pid, scope: 'openid profile', iat: now, exp: now + 120, jti });
  const idToken = jwt({ iss: issuer, aud: 'demo-web', sub: grant.pid, pid: grant.pid, nonce: grant.nonce, auth_time: grant.auth_time, acr: 'idporten-loa-substantial', amr: ['TestID'], iat: now, exp: now + 120 });
  const refreshToken = id();
  await redis.multi().set(`at:${jti}`, JSON.stringify({ pid: grant.pid }), 'PX', 120_000).set(`rt:${refreshToken}`, JSON.stringify({ pid: grant.pid }), 'PX', 600_000).exec();
  return noStore(reply).send({ access_token: accessToken, id_token: idToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: 120, scope: 'openid profile' });
});

app.get('/userinfo', async (request, reply) => {
  const token = request.headers.authorization?.slice('Bearer '.length) ?? '';
  const { payload } = await compactVerify(token, verificationKey, { algorithms: ['RS256'] });
  const claims = JSON.parse(Buffer.from(payload).toString()) as { jti: string; pid: string; sub: string };
  if ((await redis.get(`at:${claims.jti}`)) === null) return reply.code(401).send({ error: 'invalid_token' });
  return noStore(reply).send({ sub: claims.sub, pid: claims.pid });
});

await app.listen({ port: Number(process.env.OP_PORT ?? 3000), host: '127.0.0.1' });
