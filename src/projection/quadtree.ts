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
 * Forces on point i (`repulsion`): a depth-first walk from the root. A node with centre of mass
 * c, N points and largest half-width w is summarised when w / |y_i - c| < theta (Rtsne's
 * criterion: half-widths, where scikit-learn compares full widths), adding
 *   q = N / (1 + |y_i - c|^2) to Z_i and  N / (1 + |y_i - c|^2)^2 (y_i - c) to the force;
 * otherwise its children are visited. Leaves add their points j != i exactly. theta = 0 gives
 * the exact sums over all j != i.
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
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly stack: Int32Array;
  private readonly quadrant: Uint8Array;
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
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.stack = new Int32Array(3 * cap + 4);
    this.quadrant = new Uint8Array(cap);
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
    this.nodes = 1;
    this.fill(0, 0, n, mx, my, hx, hy);
  }

  /** Fills node `node` with the points perm[from .. to) in the cell (cx, cy, hx, hy). */
  private fill(
    node: number,
    from: number,
    to: number,
    cx: number,
    cy: number,
    hx: number,
    hy: number,
  ): void {
    const y = this.y;
    const perm = this.perm;
    const quad = this.quad;
    const c0 = this.counts;
    let sx = 0;
    let sy = 0;
    let same = true;
    const x0 = y[2 * perm[from]!]!;
    const y0 = y[2 * perm[from]! + 1]!;
    for (let p = from; p < to; p++) {
      const i = perm[p]!;
      const a = y[2 * i]!;
      const b = y[2 * i + 1]!;
      sx += a;
      sy += b;
      if (a !== x0 || b !== y0) same = false;
    }
    const m = to - from;
    const f = this.nodeF;
    const g = this.nodeI;
    f[4 * node] = sx / m;
    f[4 * node + 1] = sy / m;
    f[4 * node + 2] = m;
    // a leaf until children are made
    g[2 * node] = from;
    g[2 * node + 1] = -m;
    if (m === 1 || same) {
      f[4 * node + 3] = 0;
      return;
    }
    let chain = 0;
    for (;;) {
      c0[0] = 0;
      c0[1] = 0;
      c0[2] = 0;
      c0[3] = 0;
      for (let p = from; p < to; p++) {
        const i = perm[p]!;
        const q = (y[2 * i]! < cx ? 1 : 0) + (y[2 * i + 1]! < cy ? 2 : 0);
        quad[p] = q;
        c0[q]! += 1;
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
        f[4 * node + 3] = w * w;
        return;
      }
    }
    const w = Math.max(hx, hy);
    f[4 * node + 3] = w * w;
    // the children (non-empty quadrants, in quadrant order) and their point ranges
    const first = this.nodes;
    let child = first;
    let at = from;
    for (let q = 0; q < 4; q++) {
      const c = c0[q]!;
      if (c === 0) continue;
      this.quadrant[child] = q;
      this.start[child] = at;
      this.end[child] = at + c;
      c0[q] = at;
      at += c;
      child++;
    }
    g[2 * node] = first;
    g[2 * node + 1] = child - first;
    this.nodes = child;
    // stable partition by quadrant through the scratch array
    const scratch = this.scratch;
    for (let p = from; p < to; p++) scratch[c0[quad[p]!]!++] = perm[p]!;
    for (let p = from; p < to; p++) perm[p] = scratch[p]!;
    const qx = 0.5 * hx;
    const qy = 0.5 * hy;
    for (let c = first; c < child; c++) {
      const q = this.quadrant[c]!;
      this.fill(
        c,
        this.start[c]!,
        this.end[c]!,
        q & 1 ? cx - qx : cx + qx,
        q & 2 ? cy - qy : cy + qy,
        qx,
        qy,
      );
    }
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
    const stack = this.stack;
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    let fx = 0;
    let fy = 0;
    let z = 0;
    let sp = 0;
    if (this.nodes > 0) stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp]!;
      const o = 4 * node;
      const dx = xi - f[o]!;
      const dy = yi - f[o + 1]!;
      const d2 = dx * dx + dy * dy;
      if (f[o + 3]! < theta2 * d2) {
        const w = 1 / (1 + d2);
        const m = f[o + 2]! * w;
        z += m;
        const mw = m * w;
        fx += mw * dx;
        fy += mw * dy;
        continue;
      }
      const first = g[2 * node]!;
      const k = g[2 * node + 1]!;
      if (k > 0) {
        for (let c = first + k - 1; c >= first; c--) stack[sp++] = c;
        continue;
      }
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
    }
    force[2 * i]! += fx;
    force[2 * i + 1]! += fy;
    return z;
  }
}
