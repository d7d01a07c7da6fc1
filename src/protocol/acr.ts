// Assurance levels (AUTHZ-11, AUTHZ-12, IDT-06; Core §3.1.2.1 acr_values, §5.5.1.1).
export const acrLevels = ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'] as const;
export type AcrLevel = (typeof acrLevels)[number];

/** AUTHZ-11: no acr_values means this minimum (choice, matching every ID-porten example). */
export const defaultMinimumAcr: AcrLevel = 'idporten-loa-substantial';

/** AUTHZ-11: legacy input aliases, accepted but never emitted. */
const legacyAliases: Readonly<Record<string, AcrLevel>> = { Level3: 'idporten-loa-substantial', Level4: 'idporten-loa-high' };

export const acrRank = (level: AcrLevel): number => acrLevels.indexOf(level);
export const isAcrLevel = (value: unknown): value is AcrLevel => typeof value === 'string' && (acrLevels as readonly string[]).includes(value);

/** AUTHZ-11: `a` satisfies a request for minimum `b` when it is at least as strong. */
export const satisfies = (achieved: AcrLevel, minimum: AcrLevel): boolean => acrRank(achieved) >= acrRank(minimum);

export interface RequestedAcr {
  minimum: AcrLevel;
  /** Values we did not understand (logged, never an error: AUTHZ-11). */
  ignored: string[];
}

/**
 * AUTHZ-11: each value is a minimum, so the weakest known value is what the client accepts.
 * eIDAS values are ignored: this provider has no eIDAS authenticator and does not advertise them.
 */
export function parseAcrValues(acrValues: string | undefined): RequestedAcr {
  const known: AcrLevel[] = [];
  const ignored: string[] = [];
  for (const value of (acrValues ?? '').split(' ').filter(Boolean)) {
    const level = isAcrLevel(value) ? value : legacyAliases[value];
    if (level) known.push(level);
    else ignored.push(value);
  }
  if (known.length === 0) return { minimum: defaultMinimumAcr, ignored };
  return { minimum: known.reduce((a, b) => (acrRank(a) <= acrRank(b) ? a : b)), ignored };
}

/** SSO-06: a step-up raises the level and never lowers it. */
export const strongest = (a: AcrLevel, b: AcrLevel): AcrLevel => (acrRank(a) >= acrRank(b) ? a : b);
