/**
 * 2-D tensors on `Float32Array` and the reverse-mode automatic differentiation tape.
 *
 * A {@link Tensor} is a `rows × cols` row-major matrix (a batch of row vectors). Every
 * op in `nn/` that receives a tensor taking part in a gradient computation records, on
 * the result, its parents and a closure that pushes the result's gradient `∂L/∂y` back
 * to them (the chain rule `∂L/∂x += (∂y/∂x)ᵀ ∂L/∂y`). {@link backward} orders the
 * recorded graph topologically and runs those closures from the loss back to the
 * leaves. Gradients of leaves (every {@link Parameter}) **accumulate** across calls
 * until {@link zeroGrad}; gradients of intermediate tensors are reset at each call.
 *
 * Inside {@link noGrad} nothing is recorded (rollouts, evaluation).
 *
 * @example
 * ```ts
 * import { backward, mul, Parameter, sum } from "./mod.ts";
 * const w = new Parameter("w", 1, 2, new Float32Array([3, 4]));
 * const loss = sum(mul(w, w)); // Σ w²
 * backward(loss);
 * if (!(w.grad[0] === 6 && w.grad[1] === 8)) throw new Error("example failed");
 * ```
 * @module
 */

import { allocFloats } from "./pool.ts";

let gradEnabled = true;

/** True unless inside {@link noGrad}. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording any op on the tape; returns its result. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Throws unless `rows` and `cols` are positive integers. */
function checkDims(where: string, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(`${where}: shape must be two positive integers, got ${rows}×${cols}`);
  }
}

/** A `rows × cols` float32 matrix, optionally taking part in gradient computation. */
export class Tensor {
  /** Number of rows (the batch dimension). */
  readonly rows: number;
  /** Number of columns (the feature dimension). */
  readonly cols: number;
  /** The values, row-major, length `rows·cols`. */
  readonly data: Float32Array;
  /** `∂L/∂this` after {@link backward}, or `null` when none has been computed. */
  grad: Float32Array | null = null;
  /** Whether gradients flow to (or through) this tensor. */
  readonly requiresGrad: boolean;
  /** Tensors this one was computed from (empty for leaves). @internal */
  readonly parents: readonly Tensor[];
  /** Pushes `this.grad` into the parents' gradients. @internal */
  readonly backwardFn: (() => void) | null;
  /** Name of the op that produced this tensor (for error messages). */
  readonly op: string;

  /**
   * Wraps `data` (not copied) as a `rows × cols` tensor; allocates zeros when omitted.
   * `requiresGrad` makes it a leaf whose gradient is computed by {@link backward}.
   */
  constructor(rows: number, cols: number, data?: Float32Array, requiresGrad = false) {
    checkDims("Tensor", rows, cols);
    if (data !== undefined && data.length !== rows * cols) {
      throw new RangeError(
        `Tensor: data length ${data.length} does not match shape ${rows}×${cols} (${rows * cols})`,
      );
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? allocFloats(rows * cols);
    this.requiresGrad = requiresGrad;
    this.parents = [];
    this.backwardFn = null;
    this.op = "leaf";
  }

  /** Shape as text, `"rows×cols"`. */
  get shape(): string {
    return `${this.rows}×${this.cols}`;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The single value of a 1×1 tensor. */
  item(): number {
    if (this.data.length !== 1) throw new RangeError(`item: tensor is ${this.shape}, not 1×1`);
    return this.data[0];
  }

  /** Value at row `i`, column `j`. */
  get(i: number, j = 0): number {
    return this.data[i * this.cols + j];
  }

  /** The gradient buffer, allocated (zeros) on first use. @internal */
  gradBuffer(): Float32Array {
    return this.grad ??= allocFloats(this.data.length);
  }

  /** Creates a tensor from nested arrays (rows of equal length). */
  static from(values: readonly (readonly number[])[]): Tensor {
    const rows = values.length;
    const cols = rows > 0 ? values[0].length : 0;
    const t = new Tensor(rows, cols);
    values.forEach((row, i) => {
      if (row.length !== cols) {
        throw new RangeError(`Tensor.from: row ${i} has ${row.length} values, expected ${cols}`);
      }
      t.data.set(row, i * cols);
    });
    return t;
  }
}

/** Internal constructor of op results: sets parents and backward closure. */
export function makeResult(
  op: string,
  rows: number,
  cols: number,
  parents: readonly Tensor[],
  data?: Float32Array,
): Tensor {
  const t = new Tensor(rows, cols, data);
  const tracked = gradEnabled && parents.some((p) => p.requiresGrad);
  const w = t as unknown as {
    requiresGrad: boolean;
    parents: readonly Tensor[];
    op: string;
  };
  w.op = op;
  if (tracked) {
    w.requiresGrad = true;
    w.parents = parents;
  }
  return t;
}

/** Attaches the backward closure to an op result (no-op if it is not tracked). @internal */
export function setBackward(t: Tensor, fn: () => void): Tensor {
  if (t.requiresGrad) (t as unknown as { backwardFn: () => void }).backwardFn = fn;
  return t;
}

/** A named trainable tensor (weights, biases, log standard deviations). */
export class Parameter extends Tensor {
  /** Unique, stable name (used by checkpoints and flat vectors), e.g. `actor.0.weight`. */
  readonly name: string;
  /** Accumulated gradient, same length as `data`; zeroed by {@link zeroGrad}. */
  declare grad: Float32Array;

  /** A `rows × cols` parameter; `data` is copied when given, zeros otherwise. */
  constructor(name: string, rows: number, cols: number, data?: ArrayLike<number>) {
    const buf = new Float32Array(rows * cols);
    if (data !== undefined) {
      if (data.length !== rows * cols) {
        throw new RangeError(
          `Parameter ${name}: data length ${data.length} does not match ${rows}×${cols}`,
        );
      }
      buf.set(data);
    }
    super(rows, cols, buf, true);
    this.name = name;
    this.grad = new Float32Array(rows * cols);
  }
}

/** Sets every parameter's gradient to zero. */
export function zeroGrad(params: Iterable<Parameter>): void {
  for (const p of params) p.grad.fill(0);
}

/** A tensor holding `data` (copied to float32), not tracked. */
export function tensor(data: ArrayLike<number>, rows: number, cols: number): Tensor {
  const t = new Tensor(rows, cols);
  if (data.length !== rows * cols) {
    throw new RangeError(`tensor: data length ${data.length} does not match ${rows}×${cols}`);
  }
  t.data.set(data);
  return t;
}

/** A 1×1 constant. */
export function scalar(value: number): Tensor {
  const t = new Tensor(1, 1);
  t.data[0] = value;
  return t;
}

/** Topological order of the tracked graph below `root` (parents before children). */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, k] = top;
    if (k < node.parents.length) {
      top[1] = k + 1;
      const p = node.parents[k];
      if (p.requiresGrad && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

/**
 * Back-propagates from `root`: computes `∂root/∂x` for every tracked tensor below it and
 * adds it to the gradient of each leaf (each {@link Parameter}).
 *
 * `root` must be 1×1 unless `seed` (the gradient `∂L/∂root`, same length as
 * `root.data`) is given, in which case the result is the vector–Jacobian product.
 */
export function backward(root: Tensor, seed?: ArrayLike<number>): void {
  if (!root.requiresGrad) {
    throw new Error(
      `backward: the ${root.shape} result of op "${root.op}" does not depend on any parameter`,
    );
  }
  if (seed === undefined && root.data.length !== 1) {
    throw new RangeError(
      `backward: root of op "${root.op}" is ${root.shape}; give a seed gradient or reduce it to 1×1`,
    );
  }
  if (seed !== undefined && seed.length !== root.data.length) {
    throw new RangeError(
      `backward: seed length ${seed.length} does not match root shape ${root.shape}`,
    );
  }
  const order = topoOrder(root);
  for (const t of order) if (t.backwardFn !== null) t.grad = null;
  const g = root.gradBuffer();
  if (seed === undefined) g[0] += 1;
  else for (let i = 0; i < g.length; i++) g[i] += seed[i];
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    if (t.backwardFn !== null && t.grad !== null) t.backwardFn();
  }
}

/** Builds the standard shape-mismatch error naming the op and both shapes. */
export function shapeError(op: string, a: Tensor, b: Tensor, what = "shapes"): RangeError {
  return new RangeError(`${op}: incompatible ${what} ${a.shape} and ${b.shape}`);
}
