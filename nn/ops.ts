/**
 * Element-wise ops on the tape, with their derivatives.
 *
 * Binary ops broadcast in 2-D: each dimension of the two operands must be equal or 1
 * (a `1×c` row, an `r×1` column or a `1×1` scalar stretches over the other operand);
 * a plain `number` is a `1×1` constant. The gradient of a broadcast operand is the sum
 * of the result's gradient over the stretched dimension.
 *
 * | op | y | ∂y/∂a, ∂y/∂b |
 * | --- | --- | --- |
 * | `add` | a + b | 1, 1 |
 * | `sub` | a − b | 1, −1 |
 * | `mul` | a·b | b, a |
 * | `div` | a / b | 1/b, −a/b² |
 * | `minimum` | min(a, b) | the smaller operand gets the gradient (ties: `a`) |
 * | `maximum` | max(a, b) | the larger operand gets the gradient (ties: `a`) |
 *
 * Unary: `neg` −x, `exp` eˣ, `log` ln x, `tanh`, `relu` max(x, 0), `square` x²,
 * `sqrt` √x, `abs` |x|, `sigmoid` 1/(1+e⁻ˣ), `clip(x, lo, hi)` (gradient 1 strictly
 * inside [lo, hi], 0 outside, as PyTorch's `clamp`), `detach` (no gradient).
 *
 * @example
 * ```ts
 * import { add, mul, tensor } from "./mod.ts";
 * const x = tensor([1, 2, 3, 4], 2, 2);
 * const y = add(mul(x, 2), tensor([10, 20], 1, 2)); // row broadcast
 * if (!(y.data[3] === 28)) throw new Error("example failed");
 * ```
 * @module
 */
import { kernels } from "./kernels.ts";
import { allocFloats } from "./pool.ts";
import { makeResult, scalar, setBackward, shapeError, Tensor } from "./tensor.ts";

/** A tensor or a number (a 1×1 constant). */
export type TensorLike = Tensor | number;

function asTensor(x: TensorLike): Tensor {
  return typeof x === "number" ? scalar(x) : x;
}

function broadcastDim(op: string, a: Tensor, b: Tensor, da: number, db: number): number {
  if (da === db || db === 1) return da;
  if (da === 1) return db;
  throw shapeError(op, a, b, "shapes (no 2-D broadcast)");
}

/** `t`'s values stretched to `rows × cols` (the data itself when no stretch is needed). */
function expand(t: Tensor, rows: number, cols: number): Float32Array {
  if (t.rows === rows && t.cols === cols) return t.data;
  const out = allocFloats(rows * cols);
  const rs = t.rows === 1 ? 0 : t.cols, cs = t.cols === 1 ? 0 : 1;
  for (let i = 0, q = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++, q++) out[q] = t.data[i * rs + j * cs];
  }
  return out;
}

/** Adds the full-size gradient `g` into `t`'s gradient, summing over stretched dims. */
function reduceInto(t: Tensor, g: Float32Array, rows: number, cols: number): void {
  const gt = t.gradBuffer();
  const rs = t.rows === 1 ? 0 : t.cols, cs = t.cols === 1 ? 0 : 1;
  for (let i = 0, q = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++, q++) gt[i * rs + j * cs] += g[q];
  }
}

/** Forward loop of a binary op on equal-length arrays. */
type BinaryForward = (a: Float32Array, b: Float32Array, y: Float32Array) => void;
/** Backward loop: adds into `ga`/`gb` (either may be null) from `g`. */
type BinaryBackward = (
  g: Float32Array,
  a: Float32Array,
  b: Float32Array,
  y: Float32Array,
  ga: Float32Array | null,
  gb: Float32Array | null,
) => void;

function binary(
  op: string,
  aIn: TensorLike,
  bIn: TensorLike,
  fwd: BinaryForward,
  bwd: BinaryBackward,
): Tensor {
  const a = asTensor(aIn);
  const b = asTensor(bIn);
  const rows = broadcastDim(op, a, b, a.rows, b.rows);
  const cols = broadcastDim(op, a, b, a.cols, b.cols);
  const out = makeResult(op, rows, cols, [a, b]);
  const ad = expand(a, rows, cols), bd = expand(b, rows, cols);
  fwd(ad, bd, out.data);
  return setBackward(out, () => {
    const n = rows * cols;
    const aFull = a.rows === rows && a.cols === cols;
    const bFull = b.rows === rows && b.cols === cols;
    const ga = a.requiresGrad ? (aFull ? a.gradBuffer() : allocFloats(n)) : null;
    const gb = b.requiresGrad ? (bFull ? b.gradBuffer() : allocFloats(n)) : null;
    bwd(out.grad!, ad, bd, out.data, ga, gb);
    if (ga !== null && !aFull) reduceInto(a, ga, rows, cols);
    if (gb !== null && !bFull) reduceInto(b, gb, rows, cols);
  });
}

/** `a + b` with broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary("add", a, b, (x, y, o) => {
    for (let q = 0; q < o.length; q++) o[q] = x[q] + y[q];
  }, (g, _x, _y, _o, ga, gb) => {
    if (ga !== null) { for (let q = 0; q < g.length; q++) ga[q] += g[q]; }
    if (gb !== null) { for (let q = 0; q < g.length; q++) gb[q] += g[q]; }
  });
}

/** `a − b` with broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary("sub", a, b, (x, y, o) => {
    for (let q = 0; q < o.length; q++) o[q] = x[q] - y[q];
  }, (g, _x, _y, _o, ga, gb) => {
    if (ga !== null) { for (let q = 0; q < g.length; q++) ga[q] += g[q]; }
    if (gb !== null) { for (let q = 0; q < g.length; q++) gb[q] -= g[q]; }
  });
}

/** `a · b` element-wise with broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary("mul", a, b, (x, y, o) => {
    for (let q = 0; q < o.length; q++) o[q] = x[q] * y[q];
  }, (g, x, y, _o, ga, gb) => {
    if (ga !== null) { for (let q = 0; q < g.length; q++) ga[q] += g[q] * y[q]; }
    if (gb !== null) { for (let q = 0; q < g.length; q++) gb[q] += g[q] * x[q]; }
  });
}

/** `a / b` element-wise with broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary("div", a, b, (x, y, o) => {
    for (let q = 0; q < o.length; q++) o[q] = x[q] / y[q];
  }, (g, x, y, _o, ga, gb) => {
    if (ga !== null) { for (let q = 0; q < g.length; q++) ga[q] += g[q] / y[q]; }
    if (gb !== null) { for (let q = 0; q < g.length; q++) gb[q] -= (g[q] * x[q]) / (y[q] * y[q]); }
  });
}

/** Element-wise `min(a, b)`; the gradient goes to the smaller operand (ties: to `a`). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary("minimum", a, b, (x, y, o) => {
    for (let q = 0; q < o.length; q++) o[q] = x[q] <= y[q] ? x[q] : y[q];
  }, (g, x, y, _o, ga, gb) => {
    for (let q = 0; q < g.length; q++) {
      if (x[q] <= y[q]) {
        if (ga !== null) ga[q] += g[q];
      } else if (gb !== null) gb[q] += g[q];
    }
  });
}

/** Element-wise `max(a, b)`; the gradient goes to the larger operand (ties: to `a`). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary("maximum", a, b, (x, y, o) => {
    for (let q = 0; q < o.length; q++) o[q] = x[q] >= y[q] ? x[q] : y[q];
  }, (g, x, y, _o, ga, gb) => {
    for (let q = 0; q < g.length; q++) {
      if (x[q] >= y[q]) {
        if (ga !== null) ga[q] += g[q];
      } else if (gb !== null) gb[q] += g[q];
    }
  });
}

/** Forward loop of a unary op. */
type UnaryForward = (x: Float32Array, y: Float32Array) => void;
/** Backward loop: `gx += g ⊙ ∂y/∂x`, given input `x` and output `y`. */
type UnaryBackward = (g: Float32Array, x: Float32Array, y: Float32Array, gx: Float32Array) => void;

function unary(op: string, x: Tensor, fwd: UnaryForward, bwd: UnaryBackward): Tensor {
  const out = makeResult(op, x.rows, x.cols, [x]);
  fwd(x.data, out.data);
  return setBackward(out, () => bwd(out.grad!, x.data, out.data, x.gradBuffer()));
}

/** `−x`. */
export function neg(x: Tensor): Tensor {
  return unary("neg", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = -a[q];
  }, (g, _a, _y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] -= g[q];
  });
}

/** `eˣ`. */
export function exp(x: Tensor): Tensor {
  return unary("exp", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = Math.exp(a[q]);
  }, (g, _a, y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += g[q] * y[q];
  });
}

/** Natural logarithm `ln x`. */
export function log(x: Tensor): Tensor {
  return unary("log", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = Math.log(a[q]);
  }, (g, a, _y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += g[q] / a[q];
  });
}

/** `tanh x` (Wasm SIMD kernel when available); derivative `1 − y²`. */
export function tanh(x: Tensor): Tensor {
  return unary("tanh", x, (a, y) => kernels().tanhForward(a, y, a.length), (g, _a, y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += g[q] * (1 - y[q] * y[q]);
  });
}

/** `max(x, 0)`; derivative 1 for x > 0, else 0. */
export function relu(x: Tensor): Tensor {
  return unary("relu", x, (a, y) => kernels().reluForward(a, y, a.length), (g, a, _y, gx) => {
    for (let q = 0; q < g.length; q++) if (a[q] > 0) gx[q] += g[q];
  });
}

/** `x²`. */
export function square(x: Tensor): Tensor {
  return unary("square", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = a[q] * a[q];
  }, (g, a, _y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += 2 * g[q] * a[q];
  });
}

/** `√x`; derivative `1/(2√x)`. */
export function sqrt(x: Tensor): Tensor {
  return unary("sqrt", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = Math.sqrt(a[q]);
  }, (g, _a, y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += (0.5 * g[q]) / y[q];
  });
}

/** `|x|`; derivative sign(x) (0 at 0). */
export function abs(x: Tensor): Tensor {
  return unary("abs", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = Math.abs(a[q]);
  }, (g, a, _y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += a[q] > 0 ? g[q] : a[q] < 0 ? -g[q] : 0;
  });
}

/** Logistic sigmoid `1/(1+e⁻ˣ)`; derivative `y(1−y)`. */
export function sigmoid(x: Tensor): Tensor {
  return unary("sigmoid", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = 1 / (1 + Math.exp(-a[q]));
  }, (g, _a, y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += g[q] * y[q] * (1 - y[q]);
  });
}

/** `clip(x, lo, hi)`; gradient 1 where `lo < x < hi` (strictly, as `torch.clamp`), else 0. */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new RangeError(`clip: lo ${lo} must not exceed hi ${hi}`);
  return unary("clip", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = a[q] < lo ? lo : a[q] > hi ? hi : a[q];
  }, (g, a, _y, gx) => {
    for (let q = 0; q < g.length; q++) if (a[q] > lo && a[q] < hi) gx[q] += g[q];
  });
}

/** `x + c` for a number `c` (a fast path of {@link add}). */
export function addScalar(x: Tensor, c: number): Tensor {
  return unary("addScalar", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = a[q] + c;
  }, (g, _a, _y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += g[q];
  });
}

/** `x · c` for a number `c` (a fast path of {@link mul}). */
export function mulScalar(x: Tensor, c: number): Tensor {
  return unary("mulScalar", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = a[q] * c;
  }, (g, _a, _y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += g[q] * c;
  });
}

/** `xᶜ` for a number `c` (x > 0 unless c is an integer). */
export function powScalar(x: Tensor, c: number): Tensor {
  return unary("powScalar", x, (a, y) => {
    for (let q = 0; q < a.length; q++) y[q] = a[q] ** c;
  }, (g, a, _y, gx) => {
    for (let q = 0; q < g.length; q++) gx[q] += g[q] * c * a[q] ** (c - 1);
  });
}

/** A copy of `x` that is a constant on the tape (no gradient flows through it). */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.rows, x.cols, x.data.slice());
}

/**
 * Element-wise selection: `mask[i] ? a[i] : b[i]` (same shapes, `mask` length = size);
 * gradient flows to the selected operand only.
 */
export function where(mask: ArrayLike<boolean | number>, a: Tensor, b: Tensor): Tensor {
  if (a.rows !== b.rows || a.cols !== b.cols) throw shapeError("where", a, b);
  if (mask.length !== a.size) {
    throw new RangeError(`where: mask length ${mask.length} does not match shape ${a.shape}`);
  }
  const out = makeResult("where", a.rows, a.cols, [a, b]);
  for (let q = 0; q < a.size; q++) out.data[q] = mask[q] ? a.data[q] : b.data[q];
  return setBackward(out, () => {
    const g = out.grad!;
    const ga = a.requiresGrad ? a.gradBuffer() : null;
    const gb = b.requiresGrad ? b.gradBuffer() : null;
    for (let q = 0; q < g.length; q++) {
      if (mask[q]) {
        if (ga !== null) ga[q] += g[q];
      } else if (gb !== null) gb[q] += g[q];
    }
  });
}

/** Stretches a broadcastable `x` to `rows × cols` (gradient summed back). */
export function broadcastTo(x: Tensor, rows: number, cols: number): Tensor {
  const target = new Tensor(rows, cols);
  if ((x.rows !== rows && x.rows !== 1) || (x.cols !== cols && x.cols !== 1)) {
    throw shapeError("broadcastTo", x, target);
  }
  return add(x, target);
}
