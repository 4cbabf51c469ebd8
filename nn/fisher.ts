/**
 * TRPO's Fisher-vector product `F·v`, exact and matrix-free.
 *
 * For a policy whose distribution parameters are `y = f(x; θ)` (an {@link MLP}'s output:
 * logits, or Gaussian means with a free `log σ`), the Hessian of the mean KL at θ = θ_old,
 *
 *   F = ∇²_θ (1/N) Σᵢ KL(π_old(·|xᵢ) ‖ π_θ(·|xᵢ)) |_{θ=θ_old} = (1/N) Σᵢ Jᵢᵀ Mᵢ Jᵢ,
 *
 * where `Jᵢ = ∂y(xᵢ)/∂θ` and `Mᵢ` is the Fisher matrix of the distribution in `y` (the
 * second-order term vanishes because ∇_y KL = 0 at θ_old). It is computed without forming
 * F: `Jv` by a forward-mode (tangent) pass through the MLP, then `Mᵢ` in closed form —
 *
 * - Categorical on logits `z`: `M = diag(p) − ppᵀ`, so `Mu = p ⊙ u − p (pᵀu)`;
 * - MultiCategorical (independent factors over blocks of logits, `nvec`): `M` is block
 *   diagonal, each block the categorical's `diag(p⁽ᶜ⁾) − p⁽ᶜ⁾p⁽ᶜ⁾ᵀ`;
 * - DiagGaussian: `1/σ²` on each mean, and `2` on each `log σ` (no cross terms);
 *
 * then `Jᵀ(·)` by the backward pass, averaged over the batch. With damping λ the result is
 * `(F + λI)v`. Flat vectors follow {@link fisherParameters}: the MLP's parameters (layer by
 * layer, weight then bias), then `logStd` for Gaussian policies. A policy whose network
 * reads an encoding of the observations (for example one-hot) names it as `encode`.
 *
 * The products run on the float32 kernels; the result is returned as a `Float64Array`.
 * {@link conjugateGradient} then solves `(F + λI) x = g` with these products alone.
 *
 * @example
 * ```ts
 * import { Rng } from "../random.ts";
 * import { fisherParameters, FisherOperator, flatSize, MLP } from "./mod.ts";
 * const net = new MLP({ sizes: [3, 4, 2], rng: new Rng(0) });
 * const policy = { net, distribution: "categorical" as const };
 * const F = new FisherOperator(policy, new Float32Array([1, 2, 3, 0, 1, 0]), 2);
 * const v = new Float64Array(flatSize(fisherParameters(policy))).fill(1);
 * const vFv = F.apply(v).reduce((s, x, i) => s + x * v[i], 0);
 * if (!(vFv >= 0)) throw new Error("example failed"); // F is positive semi-definite
 * ```
 * @module
 */
import { kernels } from "./kernels.ts";
import type { MLP } from "./layers.ts";
import type { Parameter } from "./tensor.ts";

/**
 * A policy as the Fisher product needs it: the network, its distribution family and,
 * optionally, `encode`, which maps `rows` raw observations to the network's input.
 */
export type FisherPolicy =
  & (
    | { net: MLP; distribution: "categorical" }
    | { net: MLP; distribution: "multi-categorical"; nvec: readonly number[] }
    | { net: MLP; distribution: "gaussian"; logStd: Parameter }
  )
  & { encode?: (obs: Float32Array, rows: number) => Float32Array };

/** The parameters (in flat-vector order) that F acts on. */
export function fisherParameters(policy: FisherPolicy): Parameter[] {
  const ps = policy.net.parameters();
  return policy.distribution === "gaussian" ? [...ps, policy.logStd] : ps;
}

/** `F` at the current parameters for a fixed batch of observations; apply it repeatedly. */
export class FisherOperator {
  /** The policy. */
  readonly policy: FisherPolicy;
  /** Batch size N. */
  readonly rows: number;
  /** Length of the flat vectors. */
  readonly size: number;
  readonly #h: Float32Array[]; // h_0 = x, h_l = act(z_l) for hidden layers
  readonly #y: Float32Array; // network outputs
  readonly #metric: Float32Array; // softmax probs (categorical) or 1/σ² per dim (gaussian)
  readonly #blocks: readonly number[]; // widths of the softmax blocks (categorical families)
  // work buffers of apply, allocated once: tangents, dz per layer, u, gradients, g·W per layer
  readonly #tangents: Float32Array[];
  readonly #dz: Float32Array[];
  readonly #u: Float32Array;
  readonly #grads: Float32Array[];
  readonly #gh: Float32Array[];

  /**
   * Evaluates the network on `obs` (`rows × inDim`) at the current parameters and keeps
   * the activations (the parameters must not change while this operator is in use).
   */
  constructor(policy: FisherPolicy, obs: Float32Array, rows: number) {
    const net = policy.net;
    if (policy.encode && Number.isInteger(rows) && rows >= 1) obs = policy.encode(obs, rows);
    if (!Number.isInteger(rows) || rows < 1 || obs.length < rows * net.inDim) {
      throw new RangeError(
        `FisherOperator: obs has ${obs.length} values, need rows (${rows}) × ${net.inDim}`,
      );
    }
    if (policy.distribution === "gaussian" && policy.logStd.size !== net.outDim) {
      throw new RangeError(
        `FisherOperator: logStd is ${policy.logStd.shape}, network output is ${net.outDim}`,
      );
    }
    this.policy = policy;
    this.rows = rows;
    let size = 0;
    for (const p of fisherParameters(policy)) size += p.size;
    this.size = size;
    const k = kernels();
    const layers = net.layers;
    this.#h = [obs.slice(0, rows * net.inDim)];
    let y = this.#h[0];
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      const z = new Float32Array(rows * L.outDim);
      k.linearForward(y, L.weight.data, L.bias.data, z, rows, L.inDim, L.outDim);
      if (l + 1 < layers.length) {
        if (net.activation === "tanh") k.tanhForward(z, z, z.length);
        else k.reluForward(z, z, z.length);
        this.#h.push(z);
      }
      y = z;
    }
    this.#y = y;
    const out = net.outDim;
    if (policy.distribution !== "gaussian") {
      this.#blocks = policy.distribution === "categorical" ? [out] : policy.nvec;
      if (this.#blocks.reduce((a, b) => a + b, 0) !== out) {
        throw new RangeError(
          `FisherOperator: nvec [${this.#blocks}] does not sum to the network output ${out}`,
        );
      }
      this.#metric = new Float32Array(rows * out);
      for (let i = 0; i < rows; i++) {
        let o = i * out;
        for (const w of this.#blocks) {
          let m = -Infinity;
          for (let j = 0; j < w; j++) m = Math.max(m, y[o + j]);
          let s = 0;
          for (let j = 0; j < w; j++) s += Math.exp(y[o + j] - m);
          for (let j = 0; j < w; j++) this.#metric[o + j] = Math.exp(y[o + j] - m) / s;
          o += w;
        }
      }
    } else {
      this.#blocks = [];
      this.#metric = new Float32Array(out);
      for (let j = 0; j < out; j++) this.#metric[j] = Math.exp(-2 * policy.logStd.data[j]);
    }
    this.#tangents = fisherParameters(policy).map((p) => new Float32Array(p.size));
    this.#dz = layers.map((L) => new Float32Array(rows * L.outDim));
    this.#u = new Float32Array(rows * out);
    this.#grads = layers.flatMap((L) => [
      new Float32Array(L.outDim * L.inDim),
      new Float32Array(L.outDim),
    ]);
    this.#gh = layers.map((L, l) => new Float32Array(l > 0 ? rows * L.inDim : 0));
  }

  /** The network outputs at the current parameters (rows × outDim). */
  get outputs(): Float32Array {
    return this.#y;
  }

  /** `(F + damping·I)·v` into `out` (allocated when omitted). */
  apply(
    v: ArrayLike<number>,
    damping = 0,
    out: Float64Array = new Float64Array(this.size),
  ): Float64Array {
    if (v.length !== this.size || out.length !== this.size) {
      throw new RangeError(
        `fisherVectorProduct: v has ${v.length} values and out ${out.length}, need ${this.size}`,
      );
    }
    const net = this.policy.net, layers = net.layers, n = this.rows, k = kernels();
    const tanhAct = net.activation === "tanh";
    // Slice v into per-parameter float32 tangents.
    const tangents = this.#tangents;
    let o = 0;
    for (const t of tangents) {
      for (let q = 0; q < t.length; q++) t[q] = v[o + q];
      o += t.length;
    }
    // Forward mode: dz_l = dh_{l−1}·W_lᵀ + h_{l−1}·dW_lᵀ + db_l ; dh_l = act'(z_l) ⊙ dz_l.
    let dh: Float32Array | null = null;
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      const dz = this.#dz[l];
      k.linearForward(this.#h[l], tangents[2 * l], tangents[2 * l + 1], dz, n, L.inDim, L.outDim);
      if (dh !== null) k.gemmABt(dh, L.weight.data, dz, n, L.inDim, L.outDim);
      if (l + 1 < layers.length) actDeriv(tanhAct, this.#h[l + 1], dz);
      dh = dz;
    }
    const dy = dh!;
    // Distribution metric, divided by N.
    const outDim = net.outDim, u = this.#u, p = this.#metric;
    if (this.policy.distribution !== "gaussian") {
      for (let i = 0; i < n; i++) {
        let o = i * outDim;
        for (const w of this.#blocks) {
          let pu = 0;
          for (let j = 0; j < w; j++) pu += p[o + j] * dy[o + j];
          for (let j = 0; j < w; j++) u[o + j] = (p[o + j] * (dy[o + j] - pu)) / n;
          o += w;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < outDim; j++) u[i * outDim + j] = (p[j] * dy[i * outDim + j]) / n;
      }
    }
    // Backward, one dense-layer kernel call per layer: with g_L = u and, for hidden layers,
    // g_l = ĝ_l ⊙ act'(z_l) (ĝ_l = ∂/∂h_l): gW_l = g_lᵀ h_{l−1}, gb_l = Σᵢ g_l, ĝ_{l−1} = g_l W_l.
    const grads = this.#grads;
    for (const gr of grads) gr.fill(0);
    let g = u;
    for (let l = layers.length - 1; l >= 0; l--) {
      const L = layers[l], last = l + 1 === layers.length;
      k.denseBackward(
        g,
        this.#h[l],
        L.weight.data,
        last ? this.#y : this.#h[l + 1],
        last ? "none" : net.activation,
        l > 0 ? this.#gh[l] : null,
        true,
        grads[2 * l],
        grads[2 * l + 1],
        n,
        L.inDim,
        L.outDim,
      );
      g = this.#gh[l];
    }
    o = 0;
    for (const gr of grads) {
      for (let q = 0; q < gr.length; q++) out[o + q] = gr[q];
      o += gr.length;
    }
    if (this.policy.distribution === "gaussian") {
      // ∂²KL/∂(log σ)² = 2 for every sample, so the batch mean is 2.
      for (let j = 0; j < outDim; j++) out[o + j] = 2 * v[o + j];
    }
    if (damping !== 0) { for (let q = 0; q < this.size; q++) out[q] += damping * v[q]; }
    return out;
  }
}

/** Multiplies `d` in place by the activation's derivative, given the activation output `h`. */
function actDeriv(tanhAct: boolean, h: Float32Array, d: Float32Array): void {
  if (tanhAct) { for (let q = 0; q < d.length; q++) d[q] *= 1 - h[q] * h[q]; }
  else for (let q = 0; q < d.length; q++) if (!(h[q] > 0)) d[q] = 0;
}

/**
 * One Fisher-vector product `(F + damping·I)·v` for `policy` on `rows` observations.
 * For repeated products on one batch (conjugate gradient) build a {@link FisherOperator}
 * once and call `apply`.
 */
export function fisherVectorProduct(
  policy: FisherPolicy,
  obs: Float32Array,
  rows: number,
  v: ArrayLike<number>,
  damping = 0,
): Float64Array {
  return new FisherOperator(policy, obs, rows).apply(v, damping);
}

/**
 * Solves `A x = b` for a symmetric positive-definite `A` given as a product `Av`, by
 * `iters` conjugate-gradient iterations from `x = 0` (stops early when the residual
 * `rᵀr < tol`).
 */
export function conjugateGradient(
  Av: (v: Float64Array) => Float64Array,
  b: Float64Array,
  iters: number,
  tol = 1e-10,
): Float64Array {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const d = Float64Array.from(b);
  let rr = dotProduct(r, r);
  for (let k = 0; k < iters && rr >= tol; k++) {
    const Ad = Av(d);
    const alpha = rr / dotProduct(d, Ad);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * d[i];
      r[i] -= alpha * Ad[i];
    }
    const rrNew = dotProduct(r, r);
    const beta = rrNew / rr;
    for (let i = 0; i < n; i++) d[i] = r[i] + beta * d[i];
    rr = rrNew;
  }
  return x;
}

/** `aᵀb`, accumulated in float64. */
export function dotProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
