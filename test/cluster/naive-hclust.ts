/**
 * A naive O(n^3)-and-worse reference for hierarchical clustering, written from the definitions
 * of the methods rather than from the Lance-Williams updates where a definition exists:
 *
 *   single    min over member pairs of |p - q|        complete  max over member pairs
 *   average   mean over member pairs                    centroid  |mean(A) - mean(B)|
 *   ward      sqrt(2 |A| |B| / (|A| + |B|)) |mean(A) - mean(B)|
 *   median    |m(A) - m(B)|, m(A u B) = (m(A) + m(B)) / 2, m({p}) = p   (WPGMC)
 *   weighted  d(A u B, C) = (d(A, C) + d(B, C)) / 2                      (WPGMA)
 *
 * Each step merges the closest pair of current clusters (a global scan). On data without ties
 * this is the unique dendrogram, so the fast algorithms must reproduce it.
 */
export function naiveLinkage(X: number[][], method: string): number[][] {
  const n = X.length;
  const dist = (p: number[], q: number[]) =>
    Math.sqrt(p.reduce((s, v, j) => s + (v - q[j]!) ** 2, 0));
  interface Node {
    id: number;
    members: number[];
    mean: number[];
    med: number[];
  }
  let nodes: Node[] = X.map((p, i) => ({ id: i, members: [i], mean: [...p], med: [...p] }));
  const wpgma = new Map<string, number>();
  const key = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) wpgma.set(key(i, j), dist(X[i]!, X[j]!));
  const d = (A: Node, B: Node): number => {
    switch (method) {
      case 'single':
      case 'complete':
      case 'average': {
        const all: number[] = [];
        for (const p of A.members) for (const q of B.members) all.push(dist(X[p]!, X[q]!));
        if (method === 'single') return Math.min(...all);
        if (method === 'complete') return Math.max(...all);
        return all.reduce((s, v) => s + v, 0) / all.length;
      }
      case 'centroid':
        return dist(A.mean, B.mean);
      case 'ward': {
        const a = A.members.length;
        const b = B.members.length;
        return Math.sqrt((2 * a * b) / (a + b)) * dist(A.mean, B.mean);
      }
      case 'median':
        return dist(A.med, B.med);
      case 'weighted':
        return wpgma.get(key(A.id, B.id))!;
      default:
        throw new Error(method);
    }
  };
  const Z: number[][] = [];
  for (let k = 0; k < n - 1; k++) {
    let best = Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const v = d(nodes[i]!, nodes[j]!);
        if (v < best) {
          best = v;
          bi = i;
          bj = j;
        }
      }
    }
    const A = nodes[bi]!;
    const B = nodes[bj]!;
    const members = [...A.members, ...B.members];
    const mean = A.mean.map((_, j) => members.reduce((s, p) => s + X[p]![j]!, 0) / members.length);
    const med = A.med.map((v, j) => (v + B.med[j]!) / 2);
    const node: Node = { id: n + k, members, mean, med };
    for (const C of nodes) {
      if (C === A || C === B) continue;
      wpgma.set(
        key(node.id, C.id),
        0.5 * (wpgma.get(key(A.id, C.id))! + wpgma.get(key(B.id, C.id))!),
      );
    }
    Z.push([Math.min(A.id, B.id), Math.max(A.id, B.id), best, members.length]);
    nodes = nodes.filter((c) => c !== A && c !== B);
    nodes.push(node);
  }
  return Z;
}
