// The space-partitioning tree of Barnes–Hut t-SNE (van der Maaten 2014): a quadtree in 2-D, an
// octree in 3-D, rebuilt every iteration. Each cell keeps its point count and centre of mass, so
// a far cell's pull on a point is that of one heavy point at its centre: the O(N²) repulsion
// becomes O(N log N). Flat typed arrays rather than node objects: 70k points make ~150k cells
// per iteration, and the garbage of that many objects would cost more than the arithmetic.

/** Depth at which a cell stops splitting: points closer than 2⁻³² × the extent share a leaf. */
const MAX_DEPTH = 32;

export class SpaceTree {
  readonly dims: number;
  private readonly fanout: number;
  /** Per cell: centre of its box [cells × dims], half its side, count, mass-weighted sum. */
  private centre: Float64Array;
  private half: Float64Array;
  private count: Int32Array;
  private sum: Float64Array;
  /** First of the cell's 2^dims children (contiguous), or −1 for a leaf. */
  private child: Int32Array;
  /** A leaf's points as a linked list: its first point, then next[point]. */
  private head: Int32Array;
  private readonly next: Int32Array;
  private cells = 0;
  private readonly stack: Int32Array;

  constructor(
    private readonly y: Float64Array,
    readonly n: number,
    dims: 2 | 3,
  ) {
    this.dims = dims;
    this.fanout = 1 << dims;
    const cap = 4 * n + this.fanout;
    this.centre = new Float64Array(cap * dims);
    this.half = new Float64Array(cap);
    this.count = new Int32Array(cap);
    this.sum = new Float64Array(cap * dims);
    this.child = new Int32Array(cap);
    this.head = new Int32Array(cap);
    this.next = new Int32Array(n);
    this.stack = new Int32Array(MAX_DEPTH * this.fanout + 8);
    // The root box: the points' bounding box, made cubic.
    const lo = new Array(dims).fill(Infinity);
    const hi = new Array(dims).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < dims; t++) {
        lo[t] = Math.min(lo[t], y[i * dims + t]);
        hi[t] = Math.max(hi[t], y[i * dims + t]);
      }
    }
    const side = Math.max(...hi.map((h, t) => h - lo[t]), 1e-12);
    this.newCell(
      lo.map((l, t) => (l + hi[t]) / 2),
      (side / 2) * (1 + 1e-9),
    );
    for (let i = 0; i < n; i++) this.insert(i);
  }

  private newCell(centre: ArrayLike<number>, half: number): number {
    if (this.cells === this.half.length) this.grow();
    const c = this.cells++;
    for (let t = 0; t < this.dims; t++) {
      this.centre[c * this.dims + t] = centre[t];
      this.sum[c * this.dims + t] = 0;
    }
    this.half[c] = half;
    this.count[c] = 0;
    this.child[c] = -1;
    this.head[c] = -1;
    return c;
  }

  private grow(): void {
    const cap = this.half.length * 2;
    const more = <T extends Float64Array | Int32Array>(a: T, per: number): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.centre = more(this.centre, this.dims);
    this.half = more(this.half, 1);
    this.count = more(this.count, 1);
    this.sum = more(this.sum, this.dims);
    this.child = more(this.child, 1);
    this.head = more(this.head, 1);
  }

  /** Which child of cell c holds point i: one bit per axis (above or below the centre). */
  private octant(c: number, i: number): number {
    let o = 0;
    for (let t = 0; t < this.dims; t++) {
      if (this.y[i * this.dims + t] > this.centre[c * this.dims + t]) o |= 1 << t;
    }
    return o;
  }

  private split(c: number): void {
    const first = this.cells;
    const h = this.half[c] / 2;
    const at = new Array(this.dims);
    for (let o = 0; o < this.fanout; o++) {
      for (let t = 0; t < this.dims; t++)
        at[t] = this.centre[c * this.dims + t] + (o & (1 << t) ? h : -h);
      this.newCell(at, h);
    }
    this.child[c] = first;
  }

  private addMass(c: number, i: number): void {
    this.count[c]++;
    for (let t = 0; t < this.dims; t++) this.sum[c * this.dims + t] += this.y[i * this.dims + t];
  }

  private insert(i: number): void {
    let c = 0;
    for (let depth = 0; ; depth++) {
      this.addMass(c, i);
      if (this.child[c] < 0) {
        const resident = this.head[c];
        if (resident < 0 || depth >= MAX_DEPTH || this.samePoint(resident, i)) {
          this.next[i] = resident;
          this.head[c] = i;
          return;
        }
        // A leaf with one point gains a second: split it and move the resident down.
        this.split(c);
        this.head[c] = -1;
        const down = this.child[c] + this.octant(c, resident);
        this.addMass(down, resident);
        this.head[down] = resident;
        this.next[resident] = -1;
      }
      c = this.child[c] + this.octant(c, i);
    }
  }

  private samePoint(a: number, b: number): boolean {
    for (let t = 0; t < this.dims; t++)
      if (this.y[a * this.dims + t] !== this.y[b * this.dims + t]) return false;
    return true;
  }

  /**
   * The repulsion on point i: adds Σⱼ qᵢⱼ² (yᵢ − yⱼ) into force[0..dims) and returns
   * Σⱼ qᵢⱼ with qᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²), both over j ≠ i. A cell is one point at its centre of
   * mass when its side is below theta × its distance (side / dist < θ); leaves are exact.
   */
  repulsion(i: number, theta: number, force: Float64Array): number {
    const { dims, y } = this;
    const stack = this.stack;
    let top = 0;
    stack[top++] = 0;
    let z = 0;
    const theta2 = theta * theta;
    while (top > 0) {
      const c = stack[--top];
      const cnt = this.count[c];
      if (cnt === 0) continue;
      if (this.child[c] < 0) {
        for (let j = this.head[c]; j >= 0; j = this.next[j]) {
          if (j === i) continue;
          let d2 = 0;
          for (let t = 0; t < dims; t++) d2 += (y[i * dims + t] - y[j * dims + t]) ** 2;
          const q = 1 / (1 + d2);
          z += q;
          for (let t = 0; t < dims; t++) force[t] += q * q * (y[i * dims + t] - y[j * dims + t]);
        }
        continue;
      }
      let d2 = 0;
      for (let t = 0; t < dims; t++) d2 += (y[i * dims + t] - this.sum[c * dims + t] / cnt) ** 2;
      const side = 2 * this.half[c];
      if (side * side < theta2 * d2) {
        const q = 1 / (1 + d2);
        z += cnt * q;
        for (let t = 0; t < dims; t++)
          force[t] += cnt * q * q * (y[i * dims + t] - this.sum[c * dims + t] / cnt);
      } else {
        const first = this.child[c];
        for (let o = 0; o < this.fanout; o++) stack[top++] = first + o;
      }
    }
    return z;
  }
}
