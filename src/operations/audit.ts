// The audit log (docs/interface.md, "Operations"): OP_AUDIT_LOG is a file path or `stdout`;
// unset, nothing is written. One JSON line per event, with `time`, `event`, `request_id`,
// `client_id` and the handle of what the event is about (the grant, the session's public sid,
// the interaction). The fields are a closed list, so a secret, a token, a code or an identity
// number cannot end up here by accident: only the fields below are ever written.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Clock } from '../clock.js';
import { ConfigError } from '../config.js';

export type AuditEventName =
  | 'login'
  | 'login_failed'
  | 'consent_given'
  | 'token_issued'
  | 'token_refreshed'
  | 'refresh_reuse_detected'
  | 'token_revoked'
  | 'logout'
  | 'client_created'
  | 'client_updated'
  | 'client_deleted'
  | 'client_secret_rotated'
  | 'scope_created'
  | 'scope_updated';

export interface AuditEvent {
  event: AuditEventName;
  client_id?: string | undefined;
  /** The grant (REVOKE-03): what token events are about. */
  grant_id?: string | undefined;
  /** The session's public id (IDT-10), never the cookie: what login and logout are about. */
  sid?: string | undefined;
  /** The pending login a failed attempt belonged to. */
  interaction_id?: string | undefined;
  /** The level of a login (acr). */
  acr?: string | undefined;
  grant_type?: string | undefined;
  /** Why: a fixed phrase chosen by the code, never input. */
  reason?: string | undefined;
  /** Administration API (client_* events): who made the change: the calling client and its organisation. */
  caller_client_id?: string | undefined;
  caller_orgno?: string | undefined;
  /** Scope events: the scope, and the organisation whose access changed. */
  scope?: string | undefined;
  consumer_orgno?: string | undefined;
}

/** The only fields an audit line may carry, in the order they are written. */
const fields = ['client_id', 'grant_id', 'sid', 'interaction_id', 'acr', 'grant_type', 'reason', 'caller_client_id', 'caller_orgno', 'scope', 'consumer_orgno'] as const;

export interface AuditLog {
  /** `requestId`: the request that caused it (X-Request-Id of the response, `reqId` in the log). */
  record(event: AuditEvent, requestId: string): void;
  close(): Promise<void>;
}

/**
 * Lines are collected for up to `flushMs` and written together: one write call for many events,
 * instead of one per event. Whatever is pending is written on close and when the process exits;
 * a crash loses at most that much.
 */
const flushMs = 100;

class AuditWriter implements AuditLog {
  #pending: string[] = [];
  #scheduled = false;
  readonly #onExit = () => this.#flush();

  constructor(
    private readonly target: number | NodeJS.WritableStream,
    private readonly clock: Clock,
  ) {
    process.once('exit', this.#onExit);
  }

  record(event: AuditEvent, requestId: string): void {
    // Written field by field (each value JSON-escaped), in the order of `fields`.
    let line = `{"time":"${new Date(this.clock()).toISOString()}","event":"${event.event}","request_id":${JSON.stringify(requestId)}`;
    for (const name of fields) {
      const value = event[name];
      if (value !== undefined) line += `,"${name}":${JSON.stringify(value)}`;
    }
    this.#pending.push(`${line}}\n`);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setTimeout(() => this.#flush(), flushMs).unref();
    }
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    if (typeof this.target === 'number') writeSync(this.target, text);
    else this.target.write(text);
  }

  async close(): Promise<void> {
    this.#flush();
    process.removeListener('exit', this.#onExit);
    if (typeof this.target === 'number') closeSync(this.target);
  }
}

/** The audit log OP_AUDIT_LOG asks for (undefined: none); a file that cannot be opened stops start-up (exit 78). */
export function openAuditLog(target: string | undefined, clock: Clock): AuditLog | undefined {
  if (target === undefined) return undefined;
  if (target === 'stdout') return new AuditWriter(process.stdout, clock);
  let fd: number;
  try {
    fd = openSync(target, 'a', 0o600);
  } catch (error) {
    throw new ConfigError([`OP_AUDIT_LOG cannot be opened for appending (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return new AuditWriter(fd, clock);
}
