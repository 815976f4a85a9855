/**
 * The k table of the report: every criterion for k = 2..kMax, and the k each picks.
 */
import type { KScores } from '../charts/choose-k.js';
import { kmeans } from '../cluster/kmeans.js';
import type { FeatureMatrix } from '../data/dataset.js';
import { calinskiHarabasz } from '../metrics/calinski-harabasz.js';
import { daviesBouldin } from '../metrics/davies-bouldin.js';
import { silhouetteScore } from '../metrics/silhouette.js';

/** The criteria over k and the recommendation. */
export interface KChoice {
  table: KScores[];
  picks: { silhouette?: number; calinskiHarabasz?: number; daviesBouldin?: number; gap?: number };
  recommended: number;
  reason: string;
}

/** Score k = 2..kMax. */
export function chooseNumberOfClusters(
  X: FeatureMatrix,
  options: { kMax: number; seed: number },
): KChoice {
  const table: KScores[] = [];
  for (let k = 2; k <= options.kMax; k++) {
    const fit = kmeans(X, { k, seed: options.seed });
    table.push({
      k,
      inertia: fit.inertia,
      silhouette: silhouetteScore(
        X,
        fit.labels,
        X.rows > 5000 ? { sampleSize: 5000, seed: options.seed } : {},
      ),
      calinskiHarabasz: calinskiHarabasz(X, fit.labels),
      daviesBouldin: daviesBouldin(X, fit.labels),
    });
  }
  const best = (key: keyof KScores, sign: number) =>
    table.reduce((a, b) => (sign * (b[key] as number) > sign * (a[key] as number) ? b : a)).k;
  const picks = {
    silhouette: best('silhouette', 1),
    calinskiHarabasz: best('calinskiHarabasz', 1),
    daviesBouldin: best('daviesBouldin', -1),
  };
  return { table, picks, recommended: picks.silhouette, reason: 'highest mean silhouette.' };
}
