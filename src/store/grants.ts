// A grant: what one authorization gave one client (SSO-10). Every token issued under it is
// listed in the grant's token set, so revoking the grant reaches them all (REVOKE-03, TOKEN-11,
// TOKEN-14, TOKEN-19): access tokens get a deny marker until they expire (AT-08, REVOKE-05),
// refresh tokens are deleted, and a grant marker makes any refresh that raced the revocation
// fail too.
import type { AccessTokenStore } from './access-tokens.js';
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export interface GrantRevocation {
  [key: string]: string | number;
  revoked_at: number;
  reason: string;
}

/** Members of a grant's token set. */
export const accessTokenMember = (jti: string): string => `at:${jti}`;
export const refreshTokenMember = (tokenHash: string): string => `rt:${tokenHash}`;
/** AUTHZ-27: the consent given with the grant is forgotten with it. */
export const consentMember = (consentId: string): string => `cs:${consentId}`;

export interface GrantLifetimes {
  /** ms: how long the grant may live at most (authorization_lifetime). */
  grantTtlMs: number;
  /** ms: how long an access token of the grant may still be valid (access_token_lifetime). */
  accessTokenTtlMs: number;
}

export class GrantStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
    private readonly accessTokens: AccessTokenStore,
  ) {}

  /** Record that a token belongs to the grant (sent with the writes that create the token). */
  trackOps(grantId: string, member: string, grantTtlMs: number): WriteOp[] {
    return [{ op: 'sadd', key: this.keys.grantTokens(grantId), members: [member], ttlMs: grantTtlMs }];
  }

  findRevocation(grantId: string): Promise<GrantRevocation | null> {
    return this.store.get<GrantRevocation>(this.keys.grant(grantId));
  }

  /** Revoke the grant and every token issued under it. Idempotent. */
  async revoke(grantId: string, clientId: string, reason: string, nowMs: number, lifetimes: GrantLifetimes): Promise<void> {
    // REVOKE-03, TOKEN-14: the grant marker is written before the token list is read. A refresh
    // that adds a token after the list was read finds the marker and revokes the grant again
    // itself; with the marker last, that token was in neither and outlived the revocation.
    await this.store.set(this.keys.grant(grantId), { revoked_at: nowMs, reason }, lifetimes.grantTtlMs);
    const members = await this.store.members(this.keys.grantTokens(grantId));
    const ops: WriteOp[] = [];
    for (const member of members) {
      const [kind, id = ''] = [member.slice(0, 2), member.slice(3)];
      if (kind === 'at') ops.push(...this.accessTokens.revokeOps(id, { grant_id: grantId, client_id: clientId, locale: '' }, lifetimes.accessTokenTtlMs));
      else if (kind === 'rt') ops.push({ op: 'del', key: this.keys.refreshToken(id) });
      else if (kind === 'cs') ops.push({ op: 'del', key: this.keys.consent(id) });
    }
    await this.store.write(ops);
  }
}
