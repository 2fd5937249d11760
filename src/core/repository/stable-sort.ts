/**
 * The exact element order of Go's `sort.SliceStable`.
 *
 * clusterctl sorts provider components with a comparator that is not a strict weak order (two
 * Namespaces, or two cert-manager objects, each "sort before" the other). With such a comparator the
 * result depends on the algorithm, not only on the comparator, so reproducing clusterctl's output
 * order needs Go's algorithm itself: insertion sort over blocks of 20 elements, then repeated
 * in-place SymMerge passes (Kim & Kutzner, "Stable Minimum Storage Merging by Symmetric
 * Comparisons", 2004) using block rotations. With a well-behaved comparator this is simply a stable
 * sort, like Array.prototype.sort.
 */

/** `less(a, b)`: must `a` come before `b`? */
export type Less<T> = (a: T, b: T) => boolean;

const insertionBlockSize = 20;

/** Sorts `items` in place, exactly as Go's `sort.SliceStable(items, less)` would, and returns it. */
export function goSliceStable<T>(items: T[], less: Less<T>): T[] {
  const sorter = new GoStableSorter(items, less);
  sorter.sort();
  return items;
}

class GoStableSorter<T> {
  constructor(
    private readonly items: T[],
    private readonly lessFn: Less<T>,
  ) {}

  private less(i: number, j: number): boolean {
    return this.lessFn(this.items[i] as T, this.items[j] as T);
  }

  private swap(i: number, j: number): void {
    const tmp = this.items[i] as T;
    this.items[i] = this.items[j] as T;
    this.items[j] = tmp;
  }

  sort(): void {
    const n = this.items.length;
    let blockSize = insertionBlockSize;
    let a = 0;
    let b = blockSize;
    while (b <= n) {
      this.insertionSort(a, b);
      a = b;
      b += blockSize;
    }
    this.insertionSort(a, n);

    while (blockSize < n) {
      a = 0;
      b = 2 * blockSize;
      while (b <= n) {
        this.symMerge(a, a + blockSize, b);
        a = b;
        b += 2 * blockSize;
      }
      const m = a + blockSize;
      if (m < n) this.symMerge(a, m, n);
      blockSize *= 2;
    }
  }

  private insertionSort(a: number, b: number): void {
    for (let i = a + 1; i < b; i++) {
      for (let j = i; j > a && this.less(j, j - 1); j--) this.swap(j, j - 1);
    }
  }

  /** Merges the sorted runs [a, m) and [m, b). Callers guarantee a < m < b. */
  private symMerge(a: number, m: number, b: number): void {
    if (m - a === 1) {
      // A single element on the left: binary-search its place in [m, b) and shift it there.
      let i = m;
      let j = b;
      while (i < j) {
        const h = Math.floor((i + j) / 2);
        if (this.less(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) this.swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      // A single element on the right: binary-search its place in [a, m) and shift it there.
      let i = a;
      let j = m;
      while (i < j) {
        const h = Math.floor((i + j) / 2);
        if (!this.less(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) this.swap(k, k - 1);
      return;
    }

    const mid = Math.floor((a + b) / 2);
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = Math.floor((start + r) / 2);
      if (!this.less(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) this.rotate(start, m, end);
    if (a < start && start < mid) this.symMerge(a, start, mid);
    if (mid < end && end < b) this.symMerge(mid, end, b);
  }

  /** Swaps the blocks [a, m) and [m, b) using block swaps only. */
  private rotate(a: number, m: number, b: number): void {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        this.swapRange(m - i, m, j);
        i -= j;
      } else {
        this.swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    this.swapRange(m - i, m, i);
  }

  private swapRange(a: number, b: number, n: number): void {
    for (let i = 0; i < n; i++) this.swap(a + i, b + i);
  }
}
