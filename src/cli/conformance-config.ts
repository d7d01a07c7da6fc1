// npm run conformance:config -- --issuer <https URL> [--suite <URL>] [--alias <alias>] [--out <dir>]
// Writes what the OpenID Foundation conformance suite needs to test this provider (conformance/
// README.md): one configuration per certification plan (Basic, Config, Form Post, RP-Initiated
// Logout, Front-Channel RP-Initiated Logout) with the browser automation that drives the TestID
// page by its stable ids (docs/interface.md), the client records those configurations name (for
// OP_CLIENTS_FILE, with fresh secrets), and plans.json: each plan's name, variant and file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testWebClientFields } from '../registry/debugger-client.js';
import { option } from './keys-file.js';

export interface ConformanceOptions {
  /** The provider's public https URL (OP_ISSUER). */
  issuer: string;
  /** Where the suite runs: its redirect URIs live under {suite}/test/a/{alias}/. */
  suite: string;
  alias: string;
  /** The synthetic person the browser automation logs in. */
  pid: string;
  /** Client secrets (fresh random ones unless given, e.g. by a test). */
  secrets?: { client: string; client2: string };
}

export interface ConformancePlan {
  /** The suite's plan name. */
  plan: string;
  variant: Record<string, string>;
  /** The configuration file (JSON to paste into the suite, or to give run-test-plan.py). */
  file: string;
  config: Record<string, unknown>;
}

const defaultSuite = 'https://www.certification.openid.net';
const defaultPid = '21879498012';

const secret = () => randomBytes(32).toString('base64url');

/** The suite's endpoints for one alias. */
const suiteUrls = (suite: string, alias: string) => {
  const base = `${suite.replace(/\/$/, '')}/test/a/${alias}`;
  return { callback: `${base}/callback`, postLogout: `${base}/post_logout_redirect`, frontchannel: `${base}/frontchannel_logout` };
};

/**
 * OP_CLIENTS_FILE records for the suite's two static clients (profile §12). The suite sends no
 * PKCE, so they carry the named opt-out `code_challenge_method: "none"` (AUTHZ-07); everything
 * else is an ordinary ID-porten web client.
 */
function conformanceClients(options: ConformanceOptions, secrets: { client: string; client2: string }): Record<string, unknown>[] {
  const urls = suiteUrls(options.suite, options.alias);
  const record = (client_id: string, client_secret: string, client_name: string) => ({
    client_id,
    client_secret,
    client_name,
    ...testWebClientFields,
    redirect_uris: [urls.callback],
    post_logout_redirect_uris: [urls.postLogout],
    frontchannel_logout_uri: urls.frontchannel,
    frontchannel_logout_session_required: true,
    code_challenge_method: 'none',
  });
  return [record('conformance-client-1', secrets.client, 'OIDF conformance suite (client 1)'), record('conformance-client-2', secrets.client2, 'OIDF conformance suite (client 2)')];
}

/**
 * The browser automation: the suite's headless browser follows /authorize to the TestID page
 * (form#login-form, input#pid, button#login-submit), or to the error page (h1#op-error), the
 * logged-out page (h1#logged-out) or the front-channel page, and takes the screenshots the
 * suite asks for ("update-image-placeholder-optional").
 */
function browserSteps(options: ConformanceOptions): unknown[] {
  const { issuer, pid } = options;
  const urls = suiteUrls(options.suite, options.alias);
  const screenshot = (id: string) => ['wait', 'id', id, 10, '.*', 'update-image-placeholder-optional'];
  return [
    {
      comment: 'Authorization: the TestID login page, or an error page that must not redirect',
      match: `${issuer}/authorize*`,
      tasks: [
        { task: 'Error page (no redirect)', optional: true, match: `${issuer}/authorize*`, commands: [screenshot('op-error')] },
        { task: 'TestID login', optional: true, match: `${issuer}/login/*`, commands: [screenshot('login-form'), ['text', 'id', 'pid', pid], ['click', 'id', 'login-submit']] },
        { task: 'Verify complete', match: `${urls.callback}*`, commands: [['wait', 'id', 'submission_complete', 10]] },
      ],
    },
    {
      comment: 'RP-initiated logout: the front-channel page moves on by itself; the logged-out and error pages are photographed',
      match: `${issuer}/logout*`,
      tasks: [
        { task: 'Logged out', optional: true, match: `${issuer}/logout*`, commands: [['wait', 'xpath', "//*[@id='logged-out' or @id='op-error' or @id='frontchannel-logout']", 10, '.*', 'update-image-placeholder-optional']] },
        { task: 'Back at the client', optional: true, match: `${urls.postLogout}*`, commands: [['wait', 'id', 'submission_complete', 10]] },
      ],
    },
  ];
}

function conformancePlans(options: ConformanceOptions, secrets: { client: string; client2: string }): ConformancePlan[] {
  const [client, client2] = conformanceClients(options, secrets).map((record) => ({ client_id: record.client_id, client_secret: record.client_secret, scope: 'openid profile' }));
  const config = (description: string) => ({
    alias: options.alias,
    description: `ID-porten profile OpenID Provider: ${description}`,
    server: { discoveryUrl: `${options.issuer}/.well-known/openid-configuration` },
    client,
    client2,
    browser: browserSteps(options),
  });
  const staticClient = { server_metadata: 'discovery', client_registration: 'static_client' };
  return [
    { plan: 'oidcc-basic-certification-test-plan', variant: staticClient, file: 'oidcc-basic.json', config: config('Basic OP') },
    { plan: 'oidcc-config-certification-test-plan', variant: {}, file: 'oidcc-config.json', config: config('Config OP') },
    { plan: 'oidcc-formpost-basic-certification-test-plan', variant: staticClient, file: 'oidcc-formpost-basic.json', config: config('Form Post OP') },
    { plan: 'oidcc-rp-initiated-logout-certification-test-plan', variant: { ...staticClient, response_type: 'code' }, file: 'oidcc-rp-initiated-logout.json', config: config('RP-Initiated Logout OP') },
    {
      plan: 'oidcc-frontchannel-rp-initiated-logout-certification-test-plan',
      variant: { ...staticClient, response_type: 'code' },
      file: 'oidcc-frontchannel-rp-initiated-logout.json',
      config: config('Front-Channel RP-Initiated Logout OP'),
    },
  ];
}

/** `plan[variant=value]…`, as the suite's run-test-plan.py takes it. */
const planArgument = (plan: ConformancePlan): string => `${plan.plan}${Object.entries(plan.variant).map(([name, value]) => `[${name}=${value}]`).join('')}`;

export function writeConformanceKit(options: ConformanceOptions, out: string): string[] {
  const secrets = options.secrets ?? { client: secret(), client2: secret() };
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const write = (name: string, value: unknown) => {
    writeFileSync(join(out, name), `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    written.push(join(out, name));
  };
  write('clients.json', conformanceClients(options, secrets));
  const plans = conformancePlans(options, secrets);
  for (const plan of plans) write(plan.file, plan.config);
  write(
    'plans.json',
    plans.map((plan) => ({ plan: plan.plan, variant: plan.variant, config: plan.file, run_test_plan: `${planArgument(plan)} ${plan.file}` })),
  );
  return written;
}

export async function main(argv: string[]): Promise<void> {
  const issuer = option(argv, 'issuer');
  const suite = option(argv, 'suite') ?? defaultSuite;
  const alias = option(argv, 'alias') ?? 'idporten-op';
  const out = option(argv, 'out') ?? 'conformance/out';
  const usage = 'usage: npm run conformance:config -- --issuer <public https URL of the provider> [--suite <URL of the suite>] [--alias <alias>] [--out <dir>]\n';
  let problem: string | undefined;
  try {
    const url = new URL(issuer ?? '');
    if (url.protocol !== 'https:') problem = '--issuer must be https: the suite refuses plain http';
    else if (issuer!.endsWith('/')) problem = '--issuer must not end with a slash (ENV-01)';
  } catch {
    problem = '--issuer must be the absolute https URL the provider runs under (OP_ISSUER)';
  }
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(alias)) problem = '--alias must be 1-64 characters of A-Z a-z 0-9 . _ -';
  if (problem) {
    process.stderr.write(`${problem}\n${usage}`);
    process.exit(64);
  }
  const written = writeConformanceKit({ issuer: issuer!, suite, alias, pid: defaultPid }, out);
  process.stdout.write(
    `${written.join('\n')}\n\nStart the provider with OP_MODE=test OP_ISSUER=${issuer} OP_CLIENTS_FILE=${join(out, 'clients.json')}, then create each plan of ${join(out, 'plans.json')} in the suite (conformance/README.md). The files hold client secrets: keep them out of version control.\n`,
  );
}
