/**
 * `--scale <method>` of every command that fits (kmeans, hclust, pca, report), with one default:
 * `standard` (z-scores with the population standard deviation), so that each feature weighs the
 * same in the distances and the components whatever its unit. `--scale none` keeps the units;
 * when the variances of the features then differ by 100 times or more, a warning names the
 * feature that dominates (`varianceSpread`, src/data/scale.ts).
 *
 *   command.addOption(scaleOption());            // kmeans, hclust, report
 *   command.addOption(scaleOption(true));        // pca: `--scale` alone is `--scale standard`
 *   const method = scaleMethodOf(flags.scale);
 *   warnIfUnscaled('kmeans', dataset, method);
 */
import { Option } from 'commander';
import type { Dataset } from '../data/dataset.js';
import {
  describeVarianceSpread,
  SCALE_METHODS,
  type ScaleMethod,
  VARIANCE_RATIO_WARNING,
  type VarianceSpread,
  varianceSpread,
} from '../data/scale.js';
import { OptionError } from '../util/errors.js';
import { warn } from '../util/log.js';

/** The scaling of every command when --scale is not given. */
export const DEFAULT_SCALE: ScaleMethod = 'standard';

/**
 * The --scale option: `--scale <method>`, or with `optionalValue` `--scale [method]` (the flag
 * alone means standard, as `pca --scale` did before it took a method).
 */
export function scaleOption(optionalValue = false): Option {
  return new Option(
    optionalValue ? '--scale [method]' : '--scale <method>',
    `scale the features first (default: ${DEFAULT_SCALE}${optionalValue ? '; the flag alone: standard' : ''})`,
  ).choices(SCALE_METHODS);
}

/** The method a --scale flag asks for (true: the flag alone; undefined: the default). */
export function scaleMethodOf(flag: string | boolean | undefined): ScaleMethod {
  if (flag === undefined || flag === true) return DEFAULT_SCALE;
  if (typeof flag === 'string' && (SCALE_METHODS as readonly string[]).includes(flag)) {
    return flag as ScaleMethod;
  }
  throw new OptionError(
    `--scale must be one of ${SCALE_METHODS.join(', ')}. Got '${String(flag)}' instead.`,
  );
}

/**
 * With --scale none: warn when the feature variances differ by 100 times or more, naming the
 * dominant feature. Returns the spread (or undefined when there is nothing to say).
 */
export function warnIfUnscaled(
  command: string,
  dataset: Dataset,
  method: ScaleMethod,
): VarianceSpread | undefined {
  if (method !== 'none') return undefined;
  const spread = varianceSpread(dataset);
  if (spread === undefined || !(spread.ratio >= VARIANCE_RATIO_WARNING)) return undefined;
  warn(
    `${command}: ${describeVarianceSpread(spread)}; --scale standard weighs the features equally.`,
  );
  return spread;
}
