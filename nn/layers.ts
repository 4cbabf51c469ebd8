/**
 * Layers: {@link Linear} (`y = x·Wᵀ + b`, orthogonal init with a gain, zero bias) and
 * {@link MLP} (`h₁ = act(W₁x + b₁), …, y = W_L h_{L−1} + b_L`, no activation after the
 * last layer), with a tape forward for training and an allocation-free batched forward
 * (`forwardInto`) for rollouts.
 *
 * @example
 * ```ts
 * import { Rng } from "../random.ts";
 * import { MLP } from "./layers.ts";
 * const mlp = new MLP({ sizes: [4, 64, 64, 2], activation: "tanh", rng: new Rng(1), name: "actor" });
 * const out = new Float32Array(2 * 3);
 * mlp.forwardInto(new Float32Array(4 * 3), 3, out);
 * if (!(mlp.parameters().length === 6)) throw new Error("example failed");
 * ```
 * @module
 */
import type { Rng } from "../random.ts";
import type { MlpSpec } from "./spec.ts";
import { orthogonal } from "./init.ts";
import { kernels } from "./kernels.ts";
import { dense, linear } from "./linear_op.ts";
import { Parameter, type Tensor } from "./tensor.ts";

/** Anything with trainable parameters. */
export interface Module {
  /** The trainable parameters, in a fixed order (used by flat vectors and checkpoints). */
  parameters(): Parameter[];
}

/** Hidden activation of an {@link MLP}. */
export type Activation = "tanh" | "relu";

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Generator for the orthogonal initialisation. */
  rng: Rng;
  /** Gain of the orthogonal initialisation (default √2). */
  gain?: number;
  /** Name prefix of the parameters (default `"linear"`): `NAME.weight`, `NAME.bias`. */
  name?: string;
}

/** Fully connected layer `y = x·Wᵀ + b`, W `outDim × inDim`, b `1 × outDim`. */
export class Linear implements Module {
  /** Input width. */
  readonly inDim: number;
  /** Output width. */
  readonly outDim: number;
  /** Weights, `outDim × inDim` row-major. */
  readonly weight: Parameter;
  /** Biases, `1 × outDim` (initialised to zero). */
  readonly bias: Parameter;

  /** A layer with orthogonal weights (scaled by `gain`) and zero biases. */
  constructor(inDim: number, outDim: number, options: LinearOptions) {
    const name = options.name ?? "linear";
    this.inDim = inDim;
    this.outDim = outDim;
    const gain = options.gain ?? Math.SQRT2;
    this.weight = new Parameter(
      `${name}.weight`,
      outDim,
      inDim,
      orthogonal(outDim, inDim, gain, options.rng),
    );
    this.bias = new Parameter(`${name}.bias`, 1, outDim);
  }

  /** `x·Wᵀ + b` on the tape. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** `[weight, bias]`. */
  parameters(): Parameter[] {
    return [this.weight, this.bias];
  }
}

/** Options of {@link MLP}. */
export interface MlpOptions {
  /** Layer widths, input first: `[4, 64, 64, 2]` is 4 → 64 → 64 → 2. */
  sizes: readonly number[];
  /** Hidden activation (default `"tanh"`). */
  activation?: Activation;
  /** Generator for the initialisation. */
  rng: Rng;
  /** Gain of the hidden layers (default √2). */
  hiddenGain?: number;
  /** Gain of the last layer (default 1; PPO uses 0.01 for a policy head). */
  outputGain?: number;
  /** Parameter name prefix (default `"mlp"`): `NAME.0.weight`, `NAME.0.bias`, … */
  name?: string;
}

/** Multi-layer perceptron with a hidden activation after every layer but the last. */
export class MLP implements Module {
  /** The layers, input first. */
  readonly layers: Linear[];
  /** Hidden activation. */
  readonly activation: Activation;
  /** Parameter name prefix. */
  readonly name: string;
  #capacity = 0;
  #scratch: Float32Array[] = [];

  /** Builds the network with orthogonal initialisation. */
  constructor(options: MlpOptions) {
    const { sizes, rng } = options;
    if (sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
      throw new RangeError(`MLP: sizes must be ≥ 2 positive integers, got [${sizes.join(", ")}]`);
    }
    const activation = options.activation ?? "tanh";
    if (activation !== "tanh" && activation !== "relu") {
      throw new RangeError(`MLP: activation must be "tanh" or "relu", got ${String(activation)}`);
    }
    this.activation = activation;
    this.name = options.name ?? "mlp";
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      this.layers.push(
        new Linear(sizes[l], sizes[l + 1], {
          rng,
          gain: last ? (options.outputGain ?? 1) : (options.hiddenGain ?? Math.SQRT2),
          name: `${this.name}.${l}`,
        }),
      );
    }
  }

  /** Input width. */
  get inDim(): number {
    return this.layers[0].inDim;
  }

  /** Output width. */
  get outDim(): number {
    return this.layers[this.layers.length - 1].outDim;
  }

  /** Layer widths, input first. */
  get sizes(): number[] {
    return [this.inDim, ...this.layers.map((l) => l.outDim)];
  }

  /** Forward pass on the tape (`x` is batch × inDim). */
  forward(x: Tensor): Tensor {
    let h = x;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      h = dense(h, L.weight, L.bias, l + 1 < this.layers.length ? this.activation : "none");
    }
    return h;
  }

  /**
   * No-grad batched forward: reads `rows × inDim` values from `x`, writes `rows × outDim`
   * values to `out`. Uses internal scratch buffers: after the first call with the largest
   * `rows`, it allocates nothing.
   */
  forwardInto(x: Float32Array, rows: number, out: Float32Array): Float32Array {
    const inDim = this.inDim, outDim = this.outDim;
    if (x.length < rows * inDim) {
      throw new RangeError(`MLP.forwardInto: x has ${x.length} values, need ${rows}×${inDim}`);
    }
    if (out.length < rows * outDim) {
      throw new RangeError(`MLP.forwardInto: out has ${out.length} values, need ${rows}×${outDim}`);
    }
    if (rows > this.#capacity) {
      this.#capacity = rows;
      this.#scratch = this.layers.slice(0, -1).map((l) => new Float32Array(rows * l.outDim));
    }
    const k = kernels();
    const nl = this.layers.length;
    let h = x;
    for (let l = 0; l < nl; l++) {
      const layer = this.layers[l];
      const hidden = l + 1 < nl;
      const y = hidden ? this.#scratch[l] : out;
      const act = hidden ? this.activation : "none";
      k.denseForward(
        h,
        layer.weight.data,
        layer.bias.data,
        y,
        rows,
        layer.inDim,
        layer.outDim,
        act,
      );
      h = y;
    }
    return out;
  }

  /** All weights and biases, layer by layer (`weight`, then `bias`). */
  parameters(): Parameter[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** A copy of the network as plain data (`MlpSpec`, see `spec.ts`). */
  toSpec(): MlpSpec {
    return {
      activation: this.activation,
      layers: this.layers.map((l) => ({
        inDim: l.inDim,
        outDim: l.outDim,
        weight: l.weight.data.slice(),
        bias: l.bias.data.slice(),
      })),
    };
  }

  /** Copies the weights of `spec` into this network (shapes must match). */
  loadSpec(spec: MlpSpec): void {
    if (spec.layers.length !== this.layers.length) {
      throw new RangeError(
        `MLP ${this.name}.loadSpec: ${spec.layers.length} layers, expected ${this.layers.length}`,
      );
    }
    spec.layers.forEach((s, l) => {
      const layer = this.layers[l];
      if (s.inDim !== layer.inDim || s.outDim !== layer.outDim) {
        throw new RangeError(
          `MLP ${this.name}.loadSpec: layer ${l} is ${s.outDim}×${s.inDim}, expected ${layer.outDim}×${layer.inDim}`,
        );
      }
      layer.weight.data.set(s.weight);
      layer.bias.data.set(s.bias);
    });
  }
}
