/**
 * Dense linear solve in float64 by Gaussian elimination with partial pivoting.
 *
 * Solves `A x = b` for a square `n × n` matrix `A` (row-major): for each column k the row
 * with the largest `|A[i,k]|`, i ≥ k, is swapped into place (partial pivoting, which keeps
 * the multipliers `|A[i,k] / A[k,k]| ≤ 1` and the elimination backward stable), the
 * entries below the pivot are eliminated, and `x` is found by back substitution.
 * Cost O(n³); the tabular MDPs here have tens of states.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { solveLinear } from "./linear.ts";
 * const x = solveLinear(new Float64Array([2, 1, 1, 3]), new Float64Array([3, 5]), 2);
 * assert.ok(Math.abs(x[0] - 0.8) < 1e-12);
 * assert.ok(Math.abs(x[1] - 1.4) < 1e-12);
 * ```
 * @module
 */

/**
 * Solves `A x = b` (A is `n × n`, row-major) and returns `x`; neither input is modified.
 *
 * @param a the matrix, length n·n, row-major
 * @param b the right-hand side, length n
 * @param n the dimension
 * @param where a label for error messages (the caller's name)
 * @throws RangeError on a length mismatch, or when A is singular to working precision
 */
export function solveLinear(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  where = "solveLinear",
): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${where}: n must be ≥ 1, got ${n}`);
  if (a.length !== n * n) {
    throw new RangeError(`${where}: matrix has length ${a.length}, expected n·n = ${n * n}`);
  }
  if (b.length !== n) {
    throw new RangeError(`${where}: right-hand side has length ${b.length}, expected ${n}`);
  }
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let i = 0; i < m.length; i++) scale = Math.max(scale, Math.abs(m[i]));
  const tiny = scale * n * 1e-14;
  for (let k = 0; k < n; k++) {
    // Partial pivoting: the largest entry of column k at or below the diagonal.
    let p = k;
    let best = Math.abs(m[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > tiny)) {
      throw new RangeError(`${where}: matrix is singular (pivot ${best} in column ${k})`);
    }
    if (p !== k) {
      for (let j = k; j < n; j++) {
        const t = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = t;
      }
      const t = x[k];
      x[k] = x[p];
      x[p] = t;
    }
    const pivot = m[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / pivot;
      if (f === 0) continue;
      m[i * n + k] = 0;
      for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= m[i * n + j] * x[j];
    x[i] = s / m[i * n + i];
  }
  return x;
}
