import { readFileSync } from 'node:fs';

/** Reference values written by test/fixtures/metrics/make_metrics.py (scikit-learn 1.2.1). */
export interface MetricsFixture {
  sklearn: string;
  datasets: Record<
    string,
    {
      X: number[][];
      labelings: Record<
        string,
        {
          labels: number[];
          silhouetteSamples: number[];
          silhouetteSamplesExact: number[];
          silhouetteScore: number;
          silhouetteScoreExact: number;
          silhouetteScoreSample: { sampleSize: number; seed: number; exact: number };
          calinskiHarabasz: number;
          daviesBouldin: number;
        }
      >;
    }
  >;
  pairs: {
    name: string;
    a: number[];
    b: number[];
    contingency: number[][];
    ari: number;
    mi: number;
    nmi: number;
    ami: number;
  }[];
}

export const fixture: MetricsFixture = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/metrics.json', import.meta.url), 'utf8'),
);
