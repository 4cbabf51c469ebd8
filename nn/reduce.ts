/**
 * Reductions and row-wise ops on the tape.
 *
 * - `sum(x)` = Σᵢⱼ xᵢⱼ (1×1); `sum(x, 1)` sums each row (rows×1); `sum(x, 0)` sums each
 *   column (1×cols); `mean` divides by the count. Gradient: the output gradient spread
 *   back (divided by the count for `mean`).
 * - `logSoftmax(x)ᵢⱼ = xᵢⱼ − log Σₖ e^{xᵢₖ}` (computed with the row maximum subtracted),
 *   gradient `g − softmax(x)·Σⱼ g`; `softmax(x)ᵢⱼ = e^{xᵢⱼ}/Σₖ e^{xᵢₖ}`, gradient
 *   `y ⊙ (g − Σⱼ g y)`.
 * - `gather(x, idx)ᵢ = x[i, idx[i]]` (rows×1), the log-probability of the taken action.
 * - `columns(x, start, width)ᵢⱼ = x[i, start + j]` (rows×width), one block of logits;
 *   gradient: `g` added back into those columns.
 *
 * @example
 * ```ts
 * import { gather, logSoftmax, sum, tensor } from "./mod.ts";
 * const logits = tensor([0, 0, 1, 1], 2, 2);
 * const lp = gather(logSoftmax(logits), [0, 1]);
 * if (!(Math.abs(sum(lp).item() - 2 * Math.log(0.5)) < 1e-6)) throw new Error("example failed");
 * ```
 * @module
 */
import { makeResult, setBackward, type Tensor } from "./tensor.ts";

/** Reduction axis: 0 = over rows (one value per column), 1 = over columns (per row). */
export type Axis = 0 | 1;

function reduce(op: string, x: Tensor, axis: Axis | undefined, scale: number): Tensor {
  const { rows, cols } = x;
  const xd = x.data;
  if (axis === undefined) {
    const out = makeResult(op, 1, 1, [x]);
    let s = 0;
    for (let q = 0; q < xd.length; q++) s += xd[q];
    out.data[0] = s * scale;
    return setBackward(out, () => {
      const g = out.grad![0] * scale, gx = x.gradBuffer();
      for (let q = 0; q < gx.length; q++) gx[q] += g;
    });
  }
  if (axis === 1) {
    const out = makeResult(op, rows, 1, [x]);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += xd[i * cols + j];
      out.data[i] = s * scale;
    }
    return setBackward(out, () => {
      const g = out.grad!, gx = x.gradBuffer();
      for (let i = 0; i < rows; i++) {
        const gi = g[i] * scale;
        for (let j = 0; j < cols; j++) gx[i * cols + j] += gi;
      }
    });
  }
  if (axis === 0) {
    const out = makeResult(op, 1, cols, [x]);
    const acc = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) acc[j] += xd[i * cols + j];
    for (let j = 0; j < cols; j++) out.data[j] = acc[j] * scale;
    return setBackward(out, () => {
      const g = out.grad!, gx = x.gradBuffer();
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) gx[i * cols + j] += g[j] * scale;
      }
    });
  }
  throw new RangeError(`${op}: axis must be 0, 1 or undefined, got ${String(axis)}`);
}

/** Sum of all elements (1×1), of each row (`axis` 1 → rows×1) or each column (`axis` 0 → 1×cols). */
export function sum(x: Tensor, axis?: Axis): Tensor {
  return reduce("sum", x, axis, 1);
}

/** Mean of all elements (1×1), of each row (`axis` 1) or of each column (`axis` 0). */
export function mean(x: Tensor, axis?: Axis): Tensor {
  const n = axis === undefined ? x.size : axis === 1 ? x.cols : x.rows;
  return reduce("mean", x, axis, 1 / n);
}

/** Row-wise log-softmax: `xᵢⱼ − log Σₖ exp xᵢₖ`. */
export function logSoftmax(x: Tensor): Tensor {
  const { rows, cols } = x;
  const out = makeResult("logSoftmax", rows, cols, [x]);
  const xd = x.data, yd = out.data;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (xd[o + j] > m) m = xd[o + j];
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(xd[o + j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < cols; j++) yd[o + j] = xd[o + j] - lse;
  }
  return setBackward(out, () => {
    const g = out.grad!, gx = x.gradBuffer();
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      let gs = 0;
      for (let j = 0; j < cols; j++) gs += g[o + j];
      for (let j = 0; j < cols; j++) gx[o + j] += g[o + j] - Math.exp(yd[o + j]) * gs;
    }
  });
}

/** Row-wise softmax: `exp xᵢⱼ / Σₖ exp xᵢₖ`. */
export function softmax(x: Tensor): Tensor {
  const { rows, cols } = x;
  const out = makeResult("softmax", rows, cols, [x]);
  const xd = x.data, yd = out.data;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (xd[o + j] > m) m = xd[o + j];
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(xd[o + j] - m);
    for (let j = 0; j < cols; j++) yd[o + j] = Math.exp(xd[o + j] - m) / s;
  }
  return setBackward(out, () => {
    const g = out.grad!, gx = x.gradBuffer();
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      let gy = 0;
      for (let j = 0; j < cols; j++) gy += g[o + j] * yd[o + j];
      for (let j = 0; j < cols; j++) gx[o + j] += yd[o + j] * (g[o + j] - gy);
    }
  });
}

/** `x[i, idx[i]]` for each row (rows×1); `idx` holds integer column indices. */
export function gather(x: Tensor, idx: ArrayLike<number>): Tensor {
  const { rows, cols } = x;
  if (idx.length !== rows) {
    throw new RangeError(`gather: ${idx.length} indices for a ${x.shape} tensor (need ${rows})`);
  }
  const cols32 = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const j = idx[i];
    if (!Number.isInteger(j) || j < 0 || j >= cols) {
      throw new RangeError(`gather: index ${j} at row ${i} is outside [0, ${cols})`);
    }
    cols32[i] = j;
  }
  const out = makeResult("gather", rows, 1, [x]);
  for (let i = 0; i < rows; i++) out.data[i] = x.data[i * cols + cols32[i]];
  return setBackward(out, () => {
    const g = out.grad!, gx = x.gradBuffer();
    for (let i = 0; i < rows; i++) gx[i * cols + cols32[i]] += g[i];
  });
}

/** Columns `start … start + width − 1` of `x` (rows × width), on the tape. */
export function columns(x: Tensor, start: number, width: number): Tensor {
  const { rows, cols } = x;
  if (
    !Number.isInteger(start) || !Number.isInteger(width) || start < 0 || width < 1 ||
    start + width > cols
  ) {
    throw new RangeError(`columns: [${start}, ${start + width}) is outside ${x.shape}`);
  }
  const out = makeResult("columns", rows, width, [x]);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) out.data[i * width + j] = x.data[i * cols + start + j];
  }
  return setBackward(out, () => {
    const g = out.grad!, gx = x.gradBuffer();
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < width; j++) gx[i * cols + start + j] += g[i * width + j];
    }
  });
}
