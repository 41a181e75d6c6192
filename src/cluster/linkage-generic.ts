// SciPy's generic agglomerative algorithm (fast_linkage: Müllner 2011, a heap of lower bounds on
// each cluster's nearest-neighbour distance), used for centroid and median linkage.
import { OptionError } from "../core/errors.js";
import type { Matrix } from "../core/matrix.js";
import { ci, type Update } from "./linkage-update.js";

/** SciPy's fast_linkage (generic algorithm with a heap of lower bounds), for centroid and median. */
export function generic(D: Float64Array, n: number, update: Update): Matrix {
  const Z = new Float64Array((n - 1) * 4);
  const size = new Int32Array(n).fill(1);
  const clusterId = new Int32Array(n);
  for (let i = 0; i < n; i++) clusterId[i] = i;
  const neighbor = new Int32Array(Math.max(n - 1, 0));
  const minDist = new Float64Array(Math.max(n - 1, 0));
  const findMin = (x: number): number => {
    let best = Infinity;
    let y = -1;
    const row = ci(n, x, x + 1) - (x + 1);
    for (let i = x + 1; i < n; i++) {
      if (size[i] === 0) continue;
      const dist = D[row + i]!;
      if (dist < best) {
        best = dist;
        y = i;
      }
    }
    if (y === -1) throw new OptionError("linkage: no neighbour closer than infinity (non-finite distances)");
    pairDist = best;
    return y;
  };
  let pairDist = 0;
  for (let x = 0; x < n - 1; x++) {
    neighbor[x] = findMin(x);
    minDist[x] = pairDist;
  }
  const heap = new MinHeap(minDist);
  for (let k = 0; k < n - 1; k++) {
    let x = 0;
    let y = 0;
    let dist = 0;
    for (let i = 0; i < n - k; i++) {
      x = heap.minKey();
      dist = heap.minValue();
      y = neighbor[x]!;
      if (dist === D[ci(n, x, y)]) break;
      y = findMin(x);
      dist = pairDist;
      neighbor[x] = y;
      minDist[x] = dist;
      heap.changeValue(x, dist);
    }
    heap.removeMin();
    let idX = clusterId[x]!;
    let idY = clusterId[y]!;
    const nx = size[x]!;
    const ny = size[y]!;
    if (idX > idY) {
      const t = idX;
      idX = idY;
      idY = t;
    }
    Z[k * 4] = idX;
    Z[k * 4 + 1] = idY;
    Z[k * 4 + 2] = dist;
    Z[k * 4 + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    clusterId[y] = n + k;
    for (let z = 0; z < n; z++) {
      const nz = size[z]!;
      if (nz === 0 || z === y) continue;
      const zx = z < x ? ci(n, z, x) : ci(n, x, z);
      const zy = z < y ? ci(n, z, y) : ci(n, y, z);
      D[zy] = update(D[zx]!, D[zy]!, dist, nx, ny, nz);
    }
    for (let z = 0; z < x; z++) if (size[z]! > 0 && neighbor[z] === x) neighbor[z] = y;
    for (let z = 0; z < y; z++) {
      if (size[z] === 0) continue;
      const dz = D[ci(n, z, y)]!;
      if (dz < minDist[z]!) {
        neighbor[z] = y;
        minDist[z] = dz;
        heap.changeValue(z, dz);
      }
    }
    if (y < n - 1) {
      const z = findMin(y);
      neighbor[y] = z;
      minDist[y] = pairDist;
      heap.changeValue(y, pairDist);
    }
  }
  return { data: Z, shape: [n - 1, 4] };
}

/** SciPy's binary heap of (key, value) with keys 0…n−1 (cluster/_structures.pxi), same sift rules. */
class MinHeap {
  #indexByKey: Int32Array;
  #keyByIndex: Int32Array;
  #values: Float64Array;
  #size: number;
  constructor(values: Float64Array) {
    this.#size = values.length;
    this.#indexByKey = new Int32Array(this.#size);
    this.#keyByIndex = new Int32Array(this.#size);
    for (let i = 0; i < this.#size; i++) {
      this.#indexByKey[i] = i;
      this.#keyByIndex[i] = i;
    }
    this.#values = values.slice();
    for (let i = Math.floor(this.#size / 2) - 1; i >= 0; i--) this.#siftDown(i);
  }
  minKey(): number {
    return this.#keyByIndex[0]!;
  }
  minValue(): number {
    return this.#values[0]!;
  }
  removeMin(): void {
    this.#swap(0, this.#size - 1);
    this.#size--;
    this.#siftDown(0);
  }
  changeValue(key: number, value: number): void {
    const index = this.#indexByKey[key]!;
    const old = this.#values[index]!;
    this.#values[index] = value;
    if (value < old) this.#siftUp(index);
    else this.#siftDown(index);
  }
  #siftUp(index: number): void {
    let parent = (index - 1) >> 1;
    while (index > 0 && this.#values[parent]! > this.#values[index]!) {
      this.#swap(index, parent);
      index = parent;
      parent = (index - 1) >> 1;
    }
  }
  #siftDown(index: number): void {
    let child = 2 * index + 1;
    while (child < this.#size) {
      if (child + 1 < this.#size && this.#values[child + 1]! < this.#values[child]!) child++;
      if (this.#values[index]! > this.#values[child]!) {
        this.#swap(index, child);
        index = child;
        child = 2 * index + 1;
      } else break;
    }
  }
  #swap(i: number, j: number): void {
    const v = this.#values[i]!;
    this.#values[i] = this.#values[j]!;
    this.#values[j] = v;
    const ki = this.#keyByIndex[i]!;
    const kj = this.#keyByIndex[j]!;
    this.#keyByIndex[i] = kj;
    this.#keyByIndex[j] = ki;
    this.#indexByKey[ki] = j;
    this.#indexByKey[kj] = i;
  }
}
