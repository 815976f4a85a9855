/**
 * The linkage methods of hclust by name: the canonical names (scipy's, plus R's 'ward.D'), their
 * aliases, and the resolution of a user's name to a canonical method.
 */
import { OptionError } from '../../util/errors.js';

/** The linkage methods, by their canonical name. */
export const LINKAGE_METHODS = [
  'single',
  'complete',
  'average',
  'weighted',
  'centroid',
  'median',
  'ward',
  'ward.D',
] as const;
/** A canonical linkage method name. */
export type LinkageMethod = (typeof LINKAGE_METHODS)[number];

/** Other names with exactly the same meaning. */
export const LINKAGE_ALIASES = {
  'ward.D2': 'ward',
  mcquitty: 'weighted',
  upgma: 'average',
  wpgma: 'weighted',
} as const satisfies Record<string, LinkageMethod>;
/** An alias of a linkage method. */
export type LinkageAlias = keyof typeof LINKAGE_ALIASES;

/** Every name the `method` options accept: the canonical names, then the aliases. */
export const LINKAGE_NAMES: readonly (LinkageMethod | LinkageAlias)[] = [
  ...LINKAGE_METHODS,
  ...(Object.keys(LINKAGE_ALIASES) as LinkageAlias[]),
];

/** True if `x` is a method name or an alias. */
export function isLinkageName(x: unknown): x is LinkageMethod | LinkageAlias {
  return typeof x === 'string' && (LINKAGE_NAMES as readonly string[]).includes(x);
}

/** True if `x` is a canonical method name. */
export function isLinkageMethod(x: unknown): x is LinkageMethod {
  return typeof x === 'string' && (LINKAGE_METHODS as readonly string[]).includes(x);
}

/** The canonical method of a name or alias; throws `invalid linkage: wrad ...` otherwise. */
export function resolveLinkageMethod(name: unknown, fn = 'hclust'): LinkageMethod {
  if (isLinkageMethod(name)) return name;
  if (typeof name === 'string' && Object.hasOwn(LINKAGE_ALIASES, name)) {
    return LINKAGE_ALIASES[name as LinkageAlias];
  }
  throw new OptionError(
    `invalid linkage: ${typeof name === 'string' ? name : String(name)}. The 'method' option of ${fn} ` +
      `must be one of ${LINKAGE_METHODS.map((m) => `'${m}'`).join(', ')}, or an alias: ` +
      `${Object.entries(LINKAGE_ALIASES)
        .map(([a, m]) => `'${a}' (= '${m}')`)
        .join(', ')}.`,
  );
}
