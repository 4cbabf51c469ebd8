/**
 * Orthogonal weight initialisation (Saxe et al., 2014), as `torch.nn.init.orthogonal_`.
 *
 * For a `rows × cols` weight, draw a `max × min` matrix A of standard normals, take its
 * thin QR decomposition A = QR with the signs fixed so that diag(R) > 0 (modified
 * Gram–Schmidt gives exactly that Q), and set W = gain·Q (or gain·Qᵀ when rows < cols).
 * The rows (or columns) of W are then orthonormal up to the gain: WWᵀ = gain²·I when
 * rows ≤ cols. PPO implementations use gain √2 for hidden layers, 0.01 for the policy
 * head and 1 for the value head.
 *
 * @example
 * ```ts
 * import { Rng } from "../random.ts";
 * import { orthogonal } from "./init.ts";
 * const w = orthogonal(2, 3, 1, new Rng(0));
 * const dot = w[0] * w[3] + w[1] * w[4] + w[2] * w[5];
 * if (!(Math.abs(dot) < 1e-6)) throw new Error("example failed");
 * ```
 * @module
 */
import type { Rng } from "../random.ts";

/** A `rows × cols` row-major orthogonal matrix scaled by `gain`. */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const m = Math.max(rows, cols), s = Math.min(rows, cols);
  // a: m×s, column-major in a Float64Array for the Gram–Schmidt sweep over columns.
  const a = new Float64Array(m * s);
  for (let i = 0; i < m; i++) for (let j = 0; j < s; j++) a[j * m + i] = rng.normal();
  for (let j = 0; j < s; j++) {
    const cj = j * m;
    for (let k = 0; k < j; k++) {
      const ck = k * m;
      let dot = 0;
      for (let i = 0; i < m; i++) dot += a[ck + i] * a[cj + i];
      for (let i = 0; i < m; i++) a[cj + i] -= dot * a[ck + i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += a[cj + i] * a[cj + i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new Error(`orthogonal: degenerate random matrix (${rows}×${cols})`);
    for (let i = 0; i < m; i++) a[cj + i] /= norm;
  }
  const w = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows ≥ cols: W = Q (m = rows, s = cols); else W = Qᵀ (m = cols, s = rows).
      w[r * cols + c] = gain * (rows >= cols ? a[c * m + r] : a[r * m + c]);
    }
  }
  return w;
}
