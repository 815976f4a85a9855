/**
 * A dataset whose every text is hostile: column names, ids, labels, the label column's name and
 * the file name try to close scripts, open tags with handlers, or break JSON. A report of it must
 * show them as text and run none of them (the browser test checks a sentinel global).
 */
import { type Dataset, featureMatrix } from '../../src/data/dataset.js';
import { RandomState } from '../../src/util/random.js';

export const SENTINEL = '__clusterlensPwned';

export const HOSTILE_COLUMNS = [
  `<script>window.${SENTINEL}=1</script>`,
  `"><svg onload="window.${SENTINEL}=2">`,
  `</script><img src=x onerror="window.${SENTINEL}=3">`,
];

/** 36 rows in 3 groups, 3 features with hostile names, hostile ids and labels. */
export function hostileDataset(): Dataset {
  const rng = new RandomState(3);
  const n = 36;
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const g = i % 3;
    for (let j = 0; j < 3; j++) data[i * 3 + j] = 4 * ((g + j) % 3) + rng.gauss();
  }
  const ids = Array.from({ length: n }, (_, i) =>
    i % 4 === 0 ? `<img src=x onerror="window.${SENTINEL}=${10 + i}">` : `r\u2028${i}'"&<!--`,
  );
  const kinds = [`<script>window.${SENTINEL}=5</script>`, `'); window.${SENTINEL}=6; ('`, 'plain'];
  return {
    features: featureMatrix(n, 3, data),
    columns: [...HOSTILE_COLUMNS],
    ids,
    idColumn: `<b onmouseover="window.${SENTINEL}=7">id</b>`,
    labels: Array.from({ length: n }, (_, i) => kinds[i % 3]!),
    labelColumn: `</script><script>window.${SENTINEL}=8</script>`,
    source: {
      path: `data/<img src=x onerror="window.${SENTINEL}=9">.csv`,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      rowsRead: n,
      rowsDropped: 0,
      valuesImputed: 0,
      format: 'csv',
      leftOut: [{ column: `<script>window.${SENTINEL}=11</script>`, reason: 'text <b>column</b>' }],
    },
  };
}

/** Names that Object.prototype gives a meaning to. */
export const PROTOTYPE_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
];

/**
 * 48 rows in 4 groups whose names are the other kind of hostile: features, labels, ids and the
 * label and id columns named like Object.prototype members ('then' too, which Vega refuses as an
 * object key), with line and paragraph separators (U+2028, U+2029, which end a string literal in
 * script), and a feature named like the PC1 score beside it in the tooltips.
 */
export function prototypeDataset(): Dataset {
  const rng = new RandomState(5);
  const columns = [
    'constructor',
    'toString',
    '__proto__',
    'then',
    'line\u2028separator',
    'paragraph\u2029separator',
    'PC1',
  ];
  const n = 48;
  const d = columns.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const g = i % 4;
    for (let j = 0; j < d; j++) data[i * d + j] = 5 * ((g + j) % 4) + rng.gauss();
  }
  const kinds = ['constructor', '__proto__', 'toString', 'x\u2028y'];
  const special = ['constructor', '__proto__', 'valueOf', 'hasOwnProperty'];
  return {
    features: featureMatrix(n, d, data),
    columns,
    ids: Array.from({ length: n }, (_, i) => special[i] ?? `r${i}\u2029`),
    idColumn: 'valueOf',
    labels: Array.from({ length: n }, (_, i) => kinds[i % 4]!),
    labelColumn: 'hasOwnProperty',
    source: {
      path: 'data/\u2028names.csv',
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      rowsRead: n,
      rowsDropped: 0,
      valuesImputed: 0,
      format: 'csv',
      leftOut: [{ column: '__proto__\u2028', reason: 'not numeric' }],
    },
  };
}
