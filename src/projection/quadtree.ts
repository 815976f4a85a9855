/**
 * The Barnes-Hut quadtree of t-SNE's repulsive forces (van der Maaten, JMLR 15, 2014, section
 * 4.2), rebuilt every iteration into arrays allocated once.
 *
 * Cells: the root is centred at the mean of the points with half-widths, per axis,
 * max(max - mean, mean - min) + 1e-5 (Rtsne's SPTree); a cell splits into four at its centre,
 * a point on a dividing line going to the upper side (x >= centre, y >= centre), as Rtsne
 * assigns it. Only non-empty cells become nodes, and a cell whose points all fall into one
 * quadrant is not stored: the node takes that quadrant's (smaller) cell instead, repeatedly. The
 * nodes along such a chain have the same points, centre of mass and count, so summarising the
 * innermost one whenever an outer one would be summarised gives the same forces as the
 * uncompressed tree, with at most 2n - 1 nodes. A leaf holds one point, or several at the same
 * position (or that 200 halvings did not separate).
 *
 * Layout: nodes in preorder (a node, then its children's subtrees in quadrant order), in two
 * flat arrays: (centre of mass x, y, number of points, squared largest half-width) and, for an
 * internal node, (the node after its subtree, number of children), for a leaf (start of its
 * points in the point order, minus their number). A walk is then a forward scan with skips, no
 * stack.
 *
 * Forces on point i (`repulsion`): a depth-first walk from the root. A node with centre of mass
 * c, N points and largest half-width w is summarised when w / |y_i - c| < theta (Rtsne's
 * criterion: half-widths, where scikit-learn compares full widths), adding
 *   N / (1 + |y_i - c|^2) to Z_i and  N / (1 + |y_i - c|^2)^2 (y_i - c) to the force;
 * otherwise its children are visited. A leaf has width 0, so it is summarised whenever it is
 * not at y_i (exact for its one point, or several at one position); the other leaves (at y_i,
 * theta = 0, or not separated) add their points j != i one by one. An internal node that holds
 * i can be summarised too, i included, as in Rtsne. theta = 0 gives the exact sums over all
 * j != i.
 */

const MAX_CHAIN = 200;

export class QuadTree {
  readonly n: number;
  /** Point order: each node's points are perm[start[node] .. end[node]). */
  private readonly perm: Int32Array;
  private readonly scratch: Int32Array;
  private readonly quad: Uint8Array;
  /** Per node: centre of mass x, y, number of points, squared largest half-width of the cell. */
  private readonly nodeF: Float64Array;
  /**
   * Per node: first child and number of children (> 0), or, for a leaf, the start of its
   * points in perm and minus their number.
   */
  private readonly nodeI: Int32Array;
  private readonly counts = new Int32Array(4);
  private nodes = 0;
  private y: Float64Array = new Float64Array(0);

  constructor(n: number) {
    this.n = n;
    const cap = Math.max(1, 2 * n);
    this.perm = new Int32Array(n);
    this.scratch = new Int32Array(n);
    this.quad = new Uint8Array(n);
    this.nodeF = new Float64Array(4 * cap);
    this.nodeI = new Int32Array(2 * cap);
  }

  /** Number of nodes of the last build. */
  get size(): number {
    return this.nodes;
  }

  /** Builds the tree of the n points y (x0, y0, x1, y1, ...). */
  build(y: Float64Array): void {
    const n = this.n;
    this.y = y;
    this.nodes = 0;
    if (n === 0) return;
    let mx = 0;
    let my = 0;
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = y[2 * i]!;
      const b = y[2 * i + 1]!;
      mx += a;
      my += b;
      if (a < minX) minX = a;
      if (a > maxX) maxX = a;
      if (b < minY) minY = b;
      if (b > maxY) maxY = b;
      this.perm[i] = i;
    }
    mx /= n;
    my /= n;
    const hx = Math.max(maxX - mx, mx - minX) + 1e-5;
    const hy = Math.max(maxY - my, my - minY) + 1e-5;
    this.fill(0, n, mx, my, hx, hy);
    this.nodeF[0] = this.nodeF[0]! / n;
    this.nodeF[1] = this.nodeF[1]! / n;
  }

  /**
   * Makes the next node (preorder) of the points perm[from .. to) in the cell (cx, cy, hx, hy),
   * then its subtree. Its first two numbers are left holding the sums of the coordinates; the
   * caller divides them by the count (the parent after adding them up, `build` for the root).
   */
  private fill(from: number, to: number, cx: number, cy: number, hx: number, hy: number): void {
    const y = this.y;
    const perm = this.perm;
    const quad = this.quad;
    const c0 = this.counts;
    const f = this.nodeF;
    const g = this.nodeI;
    const node = this.nodes++;
    const m = to - from;
    const o = 4 * node;
    f[o + 2] = m;
    f[o + 3] = 0;
    // a leaf until children are made
    g[2 * node] = from;
    g[2 * node + 1] = -m;
    const x0 = y[2 * perm[from]!]!;
    const y0 = y[2 * perm[from]! + 1]!;
    if (m === 1) {
      f[o] = x0;
      f[o + 1] = y0;
      return;
    }
    let chain = 0;
    for (;;) {
      c0[0] = 0;
      c0[1] = 0;
      c0[2] = 0;
      c0[3] = 0;
      let same = true;
      for (let p = from; p < to; p++) {
        const i = perm[p]!;
        const a = y[2 * i]!;
        const b = y[2 * i + 1]!;
        const q = (a < cx ? 1 : 0) + (b < cy ? 2 : 0);
        quad[p] = q;
        c0[q]! += 1;
        if (a !== x0 || b !== y0) same = false;
      }
      if (same) {
        // m points at one position: a leaf of width 0
        f[o] = x0 * m;
        f[o + 1] = y0 * m;
        return;
      }
      let nonEmpty = 0;
      let only = 0;
      for (let q = 0; q < 4; q++) {
        if (c0[q]! > 0) {
          nonEmpty++;
          only = q;
        }
      }
      if (nonEmpty > 1) break;
      // all in one quadrant: this node takes that quadrant's cell
      hx *= 0.5;
      hy *= 0.5;
      cx += only & 1 ? -hx : hx;
      cy += only & 2 ? -hy : hy;
      if (++chain === MAX_CHAIN) {
        const w = Math.max(hx, hy);
        f[o + 3] = w * w;
        let sx = 0;
        let sy = 0;
        for (let p = from; p < to; p++) {
          sx += y[2 * perm[p]!]!;
          sy += y[2 * perm[p]! + 1]!;
        }
        f[o] = sx;
        f[o + 1] = sy;
        return;
      }
    }
    const w = Math.max(hx, hy);
    f[o + 3] = w * w;
    // stable partition by quadrant through the scratch array
    const k0 = c0[0]!;
    const k1 = c0[1]!;
    const k2 = c0[2]!;
    const k3 = c0[3]!;
    c0[0] = from;
    c0[1] = from + k0;
    c0[2] = from + k0 + k1;
    c0[3] = from + k0 + k1 + k2;
    const scratch = this.scratch;
    for (let p = from; p < to; p++) scratch[c0[quad[p]!]!++] = perm[p]!;
    for (let p = from; p < to; p++) perm[p] = scratch[p]!;
    // the children (non-empty quadrants in quadrant order) follow in preorder
    const qx = 0.5 * hx;
    const qy = 0.5 * hy;
    let sx = 0;
    let sy = 0;
    let children = 0;
    let at = from;
    for (let q = 0; q < 4; q++) {
      const kq = q === 0 ? k0 : q === 1 ? k1 : q === 2 ? k2 : k3;
      if (kq === 0) continue;
      const c = this.nodes;
      this.fill(at, at + kq, q & 1 ? cx - qx : cx + qx, q & 2 ? cy - qy : cy + qy, qx, qy);
      at += kq;
      children++;
      // the child's sums, then its centre of mass
      const oc = 4 * c;
      sx += f[oc]!;
      sy += f[oc + 1]!;
      f[oc] = f[oc]! / kq;
      f[oc + 1] = f[oc + 1]! / kq;
    }
    f[o] = sx;
    f[o + 1] = sy;
    // an internal node: the node after its subtree, and its number of children
    g[2 * node] = this.nodes;
    g[2 * node + 1] = children;
  }

  /** Point of the build order: perm[p]. Walking the points in this order keeps the walks alike. */
  point(p: number): number {
    return this.perm[p]!;
  }

  /**
   * Repulsion on point i: adds sum_j q_ij^2 Z (y_i - y_j) (Barnes-Hut estimate, unnormalised:
   * w_ij^2 (y_i - y_j), w = 1 / (1 + d^2)) to force[2i], force[2i + 1] and returns the estimate
   * of Z_i = sum_{j != i} w_ij. theta2 = theta^2.
   *
   * A leaf has width 0: it is summarised whenever it is not at y_i, which for one point or
   * several at one position is exact. The other leaves (at y_i, theta = 0, or points 200
   * halvings did not separate) add their points j != i one by one.
   */
  repulsion(i: number, theta2: number, force: Float64Array): number {
    const y = this.y;
    const perm = this.perm;
    const f = this.nodeF;
    const g = this.nodeI;
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    let fx = 0;
    let fy = 0;
    let z = 0;
    const last = this.nodes;
    let node = 0;
    while (node < last) {
      const o = 4 * node;
      const dx = xi - f[o]!;
      const dy = yi - f[o + 1]!;
      const d2 = dx * dx + dy * dy;
      const k = g[2 * node + 1]!;
      if (f[o + 3]! < theta2 * d2) {
        const w = 1 / (1 + d2);
        const m = f[o + 2]! * w;
        z += m;
        const mw = m * w;
        fx += mw * dx;
        fy += mw * dy;
        // past the subtree
        node = k > 0 ? g[2 * node]! : node + 1;
        continue;
      }
      if (k > 0) {
        // into the subtree: the first child comes next
        node++;
        continue;
      }
      const first = g[2 * node]!;
      const b = first - k;
      for (let p = first; p < b; p++) {
        const j = perm[p]!;
        if (j === i) continue;
        const ex = xi - y[2 * j]!;
        const ey = yi - y[2 * j + 1]!;
        const w = 1 / (1 + ex * ex + ey * ey);
        z += w;
        const w2 = w * w;
        fx += w2 * ex;
        fy += w2 * ey;
      }
      node++;
    }
    force[2 * i]! += fx;
    force[2 * i + 1]! += fy;
    return z;
  }
}
