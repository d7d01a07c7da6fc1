// Assurance levels (AUTHZ-11, AUTHZ-12, AUTHZ-23, IDT-06, IDT-11; Core §3.1.2.1 acr_values,
// §5.5.1.1). Two scales: the Norwegian idporten-loa-* levels of national eIDs, and the eidas-loa-*
// levels of foreign eIDs (eIDAS). A level satisfies a minimum of its own scale only.
export const acrLevels = ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'] as const;
/** A level of the national scale. */
export type AcrLevel = (typeof acrLevels)[number];
/** IDT-11: the levels of foreign eIDs (eIDAS). */
export const eidasLevels = ['eidas-loa-low', 'eidas-loa-substantial', 'eidas-loa-high'] as const;
export type EidasLevel = (typeof eidasLevels)[number];
/** Any level an authenticator can give and the id_token carries (IDT-06). */
export type Acr = AcrLevel | EidasLevel;

/** AUTHZ-11: no acr_values means this minimum (choice, matching every ID-porten example). */
export const defaultMinimumAcr: AcrLevel = 'idporten-loa-substantial';

/** AUTHZ-11: legacy input aliases, accepted but never emitted. */
const legacyAliases: Readonly<Record<string, AcrLevel>> = { Level3: 'idporten-loa-substantial', Level4: 'idporten-loa-high' };

export const isAcrLevel = (value: unknown): value is AcrLevel => typeof value === 'string' && (acrLevels as readonly string[]).includes(value);
export const isEidasLevel = (value: unknown): value is EidasLevel => typeof value === 'string' && (eidasLevels as readonly string[]).includes(value);
export const isAcr = (value: unknown): value is Acr => isAcrLevel(value) || isEidasLevel(value);

/** The position of a level on its own scale. */
export const acrRank = (level: Acr): number => (isEidasLevel(level) ? eidasLevels.indexOf(level) : acrLevels.indexOf(level));
const sameScale = (a: Acr, b: Acr): boolean => isEidasLevel(a) === isEidasLevel(b);

/** AUTHZ-11: `achieved` satisfies a request for minimum `minimum` when it is on its scale and at least as strong. */
export const satisfies = (achieved: Acr, minimum: Acr): boolean => sameScale(achieved, minimum) && acrRank(achieved) >= acrRank(minimum);

/** What a request accepts: a national minimum (unless only eIDAS was asked for) and an eIDAS one (if asked for). */
export interface AcrRequirement {
  acr_minimum: AcrLevel;
  /** AUTHZ-11: eidas-loa-* values (or AUTHZ-23 login_hint=eidas:true) enable eIDAS from this minimum. */
  eidas_minimum?: EidasLevel | undefined;
  /** AUTHZ-11: only eidas-loa-* values were requested: national eIDs are not offered. */
  eidas_only?: boolean | undefined;
}

/** AUTHZ-11, AUTHZ-12: a login at `achieved` answers the request (an SSO answer, SSO-06). */
export function meetsRequirement(achieved: Acr, requirement: AcrRequirement): boolean {
  if (isEidasLevel(achieved)) return requirement.eidas_minimum !== undefined && satisfies(achieved, requirement.eidas_minimum);
  return requirement.eidas_only !== true && satisfies(achieved, requirement.acr_minimum);
}

export interface RequestedAcr {
  /** The weakest national level accepted (the default when none was named). */
  minimum: AcrLevel;
  /** The weakest eIDAS level accepted, when eIDAS was requested. */
  eidasMinimum?: EidasLevel;
  /** Only eIDAS values were requested. */
  eidasOnly: boolean;
  /** Values we did not understand (logged, never an error: AUTHZ-11). */
  ignored: string[];
}

const weakest = <L extends Acr>(levels: L[]): L => levels.reduce((a, b) => (acrRank(a) <= acrRank(b) ? a : b));

/**
 * AUTHZ-11: each value is a minimum on its scale, so the weakest known value of each scale is what
 * the client accepts. eidas-loa-* values enable eIDAS; with only such values national eIDs are
 * not offered (the UI goes straight to eIDAS). AUTHZ-23: the legacy login_hint=eidas:true adds
 * eidas-loa-substantial to the values sent — without values the default national minimum stays,
 * so the hint adds eIDAS beside the national eIDs.
 */
export function parseAcrValues(acrValues: string | undefined, options: { legacyEidasHint?: boolean } = {}): RequestedAcr {
  const national: AcrLevel[] = [];
  const eidas: EidasLevel[] = [];
  const ignored: string[] = [];
  for (const value of (acrValues ?? '').split(' ').filter(Boolean)) {
    const level = isAcrLevel(value) ? value : legacyAliases[value];
    if (level) national.push(level);
    else if (isEidasLevel(value)) eidas.push(value);
    else ignored.push(value);
  }
  const eidasOnly = national.length === 0 && eidas.length > 0;
  // AUTHZ-23: login_hint=eidas:true counts as eidas-loa-substantial.
  if (options.legacyEidasHint) eidas.push('eidas-loa-substantial');
  return {
    minimum: national.length > 0 ? weakest(national) : defaultMinimumAcr,
    ...(eidas.length > 0 ? { eidasMinimum: weakest(eidas) } : {}),
    eidasOnly,
    ignored,
  };
}

/** SSO-06: a step-up raises the level and never lowers it; a login on the other scale replaces it. */
export const strongest = (previous: Acr, next: Acr): Acr => (sameScale(previous, next) && acrRank(previous) > acrRank(next) ? previous : next);
