/**
 * Optimisers, gradient-norm clipping and learning-rate decay.
 *
 * - **Adam** (Kingma & Ba, 2015), as PyTorch: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
 *   `θ ← θ − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)`; ε defaults to 1e-5 as in common PPO
 *   code. `m` and `v` are stored (and used) in float32, the update is computed in float64
 *   and rounded once.
 * - **RMSprop** (Tieleman & Hinton, 2012), as PyTorch without momentum or centring:
 *   `v ← αv + (1−α)g²`, `θ ← θ − lr · g/(√v + ε)` (Stable-Baselines3's A2C uses α 0.99,
 *   ε 1e-5). `v` is stored in float32, the update computed in float64.
 * - **SGD** with optional momentum: `b ← μb + g`, `θ ← θ − lr·b` (μ = 0: `θ ← θ − lr·g`).
 * - **clipGradNorm**: if `‖g‖₂ > maxNorm` over all parameters, scale every gradient by
 *   `maxNorm/(‖g‖₂ + 1e-6)` (as `torch.nn.utils.clip_grad_norm_`); returns the norm before.
 * - **linearDecay**: `lr = lr₀ + (lr_end − lr₀)·t/T`, clamped at `t ≥ T`.
 *
 * Optimiser state ({@link OptimizerState}) is JSON hyper-parameters plus named float32
 * buffers, so a checkpoint can restore it bit for bit.
 *
 * @example
 * ```ts
 * import { Adam, backward, mul, Parameter, sum } from "./mod.ts";
 * const w = new Parameter("w", 1, 1, [1]);
 * const opt = new Adam([w], { lr: 0.1 });
 * backward(sum(mul(w, w)));
 * opt.step();
 * if (!(Math.abs(w.data[0] - 0.9) < 1e-6)) throw new Error("example failed");
 * ```
 * @module
 */
import { kernels } from "./kernels.ts";
import { scaledGradient } from "./kernels/ts.ts";
import type { Parameter } from "./tensor.ts";

/** Serialisable optimiser state: hyper-parameters, step count and named buffers. */
export interface OptimizerState {
  /** `"adam"`, `"rmsprop"` or `"sgd"`. */
  kind: "adam" | "rmsprop" | "sgd";
  /** Hyper-parameters (`lr`, `beta1`, …), JSON numbers. */
  hyper: Record<string, number>;
  /** Number of steps taken. */
  step: number;
  /** Per-parameter buffers keyed `"<buffer>/<parameter name>"` (e.g. `"m/actor.0.weight"`). */
  buffers: Record<string, Float32Array>;
}

/** Common interface of {@link Adam}, {@link RMSprop} and {@link SGD}. */
export interface Optimizer {
  /** The learning rate used by the next {@link Optimizer.step}; may be changed freely. */
  lr: number;
  /** The parameters updated. */
  readonly params: readonly Parameter[];
  /**
   * Updates every parameter from its gradient times `gradScale` (default 1: gradient
   * clipping's factor, see {@link clipScale}; the stored gradients are not changed).
   */
  step(gradScale?: number): void;
  /** Sets every parameter's gradient to zero. */
  zeroGrad(): void;
  /** A deep copy of the state. */
  getState(): OptimizerState;
  /** Restores a state from {@link Optimizer.getState} (checks names and sizes). */
  setState(state: OptimizerState): void;
}

function checkNames(where: string, params: readonly Parameter[]): void {
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.name)) throw new Error(`${where}: duplicate parameter name "${p.name}"`);
    seen.add(p.name);
  }
}

function restoreBuffers(
  where: string,
  state: OptimizerState,
  prefix: string,
  params: readonly Parameter[],
  target: Float32Array[],
): void {
  params.forEach((p, i) => {
    const key = `${prefix}/${p.name}`;
    const buf = state.buffers[key];
    if (buf === undefined) throw new Error(`${where}.setState: missing buffer "${key}"`);
    if (buf.length !== p.size) {
      throw new RangeError(
        `${where}.setState: buffer "${key}" has ${buf.length} values, parameter is ${p.shape}`,
      );
    }
    target[i].set(buf);
  });
}

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Learning rate (default 3e-4). */
  lr?: number;
  /** First-moment decay β₁ (default 0.9). */
  beta1?: number;
  /** Second-moment decay β₂ (default 0.999). */
  beta2?: number;
  /** ε added to the denominator (default 1e-5). */
  eps?: number;
}

/** Adam with PyTorch's bias-corrected update. */
export class Adam implements Optimizer {
  /** Learning rate. */
  lr: number;
  /** β₁. */
  readonly beta1: number;
  /** β₂. */
  readonly beta2: number;
  /** ε. */
  readonly eps: number;
  /** The parameters updated. */
  readonly params: readonly Parameter[];
  #t = 0;
  #m: Float32Array[];
  #v: Float32Array[];

  /** An Adam optimiser over `params`. */
  constructor(params: readonly Parameter[], options: AdamOptions = {}) {
    checkNames("Adam", params);
    this.params = [...params];
    this.lr = options.lr ?? 3e-4;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-5;
    for (
      const [k, v] of Object.entries({
        lr: this.lr,
        beta1: this.beta1,
        beta2: this.beta2,
        eps: this.eps,
      })
    ) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`Adam: ${k} must be ≥ 0, got ${v}`);
    }
    if (this.beta1 >= 1 || this.beta2 >= 1) {
      throw new RangeError(`Adam: betas must be < 1, got ${this.beta1}, ${this.beta2}`);
    }
    this.#m = this.params.map((p) => new Float32Array(p.size));
    this.#v = this.params.map((p) => new Float32Array(p.size));
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.#t;
  }

  /** One Adam update of every parameter, from the gradients times `gradScale`. */
  step(gradScale = 1): void {
    this.#t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const bc1 = 1 - b1 ** this.#t;
    const invBc2Sqrt = 1 / Math.sqrt(1 - b2 ** this.#t);
    const stepSize = this.lr / bc1;
    const k = kernels();
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      k.adamStep(
        p.data,
        p.grad,
        this.#m[i],
        this.#v[i],
        b1,
        b2,
        stepSize,
        invBc2Sqrt,
        eps,
        gradScale,
      );
    }
  }

  /** Zeroes every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /** State with buffers `m/<name>` and `v/<name>`. */
  getState(): OptimizerState {
    const buffers: Record<string, Float32Array> = {};
    this.params.forEach((p, i) => {
      buffers[`m/${p.name}`] = this.#m[i].slice();
      buffers[`v/${p.name}`] = this.#v[i].slice();
    });
    return {
      kind: "adam",
      hyper: { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps },
      step: this.#t,
      buffers,
    };
  }

  /** Restores a state from {@link Adam.getState} (including `lr`). */
  setState(state: OptimizerState): void {
    if (state.kind !== "adam") throw new Error(`Adam.setState: state is for "${state.kind}"`);
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`Adam.setState: invalid step ${state.step}`);
    }
    restoreBuffers("Adam", state, "m", this.params, this.#m);
    restoreBuffers("Adam", state, "v", this.params, this.#v);
    this.#t = state.step;
    if (typeof state.hyper.lr === "number") this.lr = state.hyper.lr;
  }
}

/** Options of {@link RMSprop}. */
export interface RmspropOptions {
  /** Learning rate (default 1e-2, as PyTorch). */
  lr?: number;
  /** Decay α of the mean square (default 0.99). */
  alpha?: number;
  /** ε added to the denominator (default 1e-5, Stable-Baselines3's A2C; PyTorch's is 1e-8). */
  eps?: number;
}

/** RMSprop as PyTorch's `torch.optim.RMSprop` without momentum or centring. */
export class RMSprop implements Optimizer {
  /** Learning rate. */
  lr: number;
  /** α. */
  readonly alpha: number;
  /** ε. */
  readonly eps: number;
  /** The parameters updated. */
  readonly params: readonly Parameter[];
  #t = 0;
  #v: Float32Array[];

  /** An RMSprop optimiser over `params`. */
  constructor(params: readonly Parameter[], options: RmspropOptions = {}) {
    checkNames("RMSprop", params);
    this.params = [...params];
    this.lr = options.lr ?? 1e-2;
    this.alpha = options.alpha ?? 0.99;
    this.eps = options.eps ?? 1e-5;
    if (!(this.lr >= 0) || !(this.eps >= 0) || !(this.alpha >= 0 && this.alpha < 1)) {
      throw new RangeError(
        `RMSprop: need lr ≥ 0, eps ≥ 0 and 0 ≤ alpha < 1, got ${this.lr}, ${this.eps}, ${this.alpha}`,
      );
    }
    this.#v = this.params.map((p) => new Float32Array(p.size));
  }

  /** One RMSprop update of every parameter, from the gradients times `gradScale`. */
  step(gradScale = 1): void {
    this.#t++;
    const { alpha, eps, lr } = this;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i], d = p.data, g = p.grad, v = this.#v[i];
      for (let q = 0; q < d.length; q++) {
        const gq = scaledGradient(g[q], gradScale);
        v[q] = alpha * v[q] + (1 - alpha) * gq * gq;
        d[q] -= lr * gq / (Math.sqrt(v[q]) + eps);
      }
    }
  }

  /** Zeroes every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /** State with buffers `square_avg/<name>`. */
  getState(): OptimizerState {
    const buffers: Record<string, Float32Array> = {};
    this.params.forEach((p, i) => (buffers[`square_avg/${p.name}`] = this.#v[i].slice()));
    return {
      kind: "rmsprop",
      hyper: { lr: this.lr, alpha: this.alpha, eps: this.eps },
      step: this.#t,
      buffers,
    };
  }

  /** Restores a state from {@link RMSprop.getState} (including `lr`). */
  setState(state: OptimizerState): void {
    if (state.kind !== "rmsprop") {
      throw new Error(`RMSprop.setState: state is for "${state.kind}"`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`RMSprop.setState: invalid step ${state.step}`);
    }
    restoreBuffers("RMSprop", state, "square_avg", this.params, this.#v);
    this.#t = state.step;
    if (typeof state.hyper.lr === "number") this.lr = state.hyper.lr;
  }
}

/** Options of {@link SGD}. */
export interface SgdOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Momentum μ (default 0). */
  momentum?: number;
}

/** Stochastic gradient descent with optional (heavy-ball) momentum. */
export class SGD implements Optimizer {
  /** Learning rate. */
  lr: number;
  /** Momentum μ. */
  readonly momentum: number;
  /** The parameters updated. */
  readonly params: readonly Parameter[];
  #t = 0;
  #b: Float32Array[];

  /** An SGD optimiser over `params`. */
  constructor(params: readonly Parameter[], options: SgdOptions = {}) {
    checkNames("SGD", params);
    this.params = [...params];
    this.lr = options.lr ?? 1e-2;
    this.momentum = options.momentum ?? 0;
    if (!(this.lr >= 0) || !(this.momentum >= 0 && this.momentum < 1)) {
      throw new RangeError(
        `SGD: need lr ≥ 0 and 0 ≤ momentum < 1, got ${this.lr}, ${this.momentum}`,
      );
    }
    this.#b = this.params.map((p) => new Float32Array(p.size));
  }

  /** One SGD update, from the gradients times `gradScale`. */
  step(gradScale = 1): void {
    this.#t++;
    const mu = this.momentum;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i], d = p.data, g = p.grad, b = this.#b[i];
      if (mu === 0) {
        for (let q = 0; q < d.length; q++) d[q] -= this.lr * scaledGradient(g[q], gradScale);
      } else {
        for (let q = 0; q < d.length; q++) {
          const gq = scaledGradient(g[q], gradScale);
          b[q] = this.#t === 1 ? gq : mu * b[q] + gq;
          d[q] -= this.lr * b[q];
        }
      }
    }
  }

  /** Zeroes every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /** State with buffers `momentum/<name>`. */
  getState(): OptimizerState {
    const buffers: Record<string, Float32Array> = {};
    this.params.forEach((p, i) => (buffers[`momentum/${p.name}`] = this.#b[i].slice()));
    return { kind: "sgd", hyper: { lr: this.lr, momentum: this.momentum }, step: this.#t, buffers };
  }

  /** Restores a state from {@link SGD.getState}. */
  setState(state: OptimizerState): void {
    if (state.kind !== "sgd") throw new Error(`SGD.setState: state is for "${state.kind}"`);
    restoreBuffers("SGD", state, "momentum", this.params, this.#b);
    this.#t = state.step;
    if (typeof state.hyper.lr === "number") this.lr = state.hyper.lr;
  }
}

/** Global L2 norm of all gradients (float64 sum). */
export function gradNorm(params: Iterable<Parameter>): number {
  let s = 0;
  for (const p of params) s += sumSquares(p.grad);
  return Math.sqrt(s);
}

/** Σ g², in four interleaved partial sums (a fixed order, so deterministic). */
function sumSquares(g: Float32Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q = 0;
  for (; q + 3 < g.length; q += 4) {
    s0 += g[q] * g[q];
    s1 += g[q + 1] * g[q + 1];
    s2 += g[q + 2] * g[q + 2];
    s3 += g[q + 3] * g[q + 3];
  }
  for (; q < g.length; q++) s0 += g[q] * g[q];
  return (s0 + s1) + (s2 + s3);
}

/**
 * The factor that clips a gradient of global L2 norm `norm` to at most `maxNorm`:
 * `maxNorm / (norm + 1e-6)` when that is below 1, else 1 (`torch.nn.utils.clip_grad_norm_`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipScale } from "./optim.ts";
 * assert.equal(clipScale(0.4, 0.5), 1);
 * assert.ok(Math.abs(clipScale(2, 0.5) - 0.25) < 1e-6);
 * ```
 */
export function clipScale(norm: number, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const scale = maxNorm / (norm + 1e-6);
  return scale < 1 ? scale : 1;
}

/**
 * Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the
 * norm before clipping (`torch.nn.utils.clip_grad_norm_` semantics). The training loops
 * pass {@link clipScale} to `Optimizer.step` instead, which skips this pass over the
 * gradients.
 */
export function clipGradNorm(params: readonly Parameter[], maxNorm: number): number {
  const norm = gradNorm(params);
  const scale = clipScale(norm, maxNorm);
  if (scale < 1) {
    for (const p of params) {
      const g = p.grad;
      for (let q = 0; q < g.length; q++) g[q] *= scale;
    }
  }
  return norm;
}

/**
 * Linearly decayed learning rate at step `t` of `total`: `lr0 + (lrEnd − lr0)·min(t/total, 1)`.
 * CleanRL's annealing is `linearDecay(lr0, update − 1, numUpdates)`.
 */
export function linearDecay(lr0: number, t: number, total: number, lrEnd = 0): number {
  if (!(total > 0)) throw new RangeError(`linearDecay: total must be > 0, got ${total}`);
  const frac = Math.min(Math.max(t / total, 0), 1);
  return lr0 + (lrEnd - lr0) * frac;
}
