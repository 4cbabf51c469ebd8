/**
 * Policy heads: what turns the actor's output `y = MLP_θ(s)` into a distribution over
 * actions, chosen once from the action space (as Spinning Up picks `MLPCategoricalActor`
 * or `MLPGaussianActor`).
 *
 * - {@link CategoricalHead} (discrete, `n` actions): `π_θ(·|s) = softmax(y)`, `y` the
 *   `n` logits.
 * - {@link DiagGaussianHead} (box, `d` dimensions): `π_θ(·|s) = N(y, diag(σ²))` with a
 *   state-independent, learned `log σ` (the `logStd` parameter, `1 × d`).
 *
 * Each head builds its distribution from `nn/` (`Categorical`, `DiagGaussian`) for the
 * losses, samples rollouts with that module's allocation-free sampler, and says how the
 * Fisher-vector product and the exported policy see it. A new action space (for example
 * multi-discrete) is one more head.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { policyHead } from "./heads.ts";
 * const head = policyHead({ type: "box", low: -2, high: 2, shape: [3] }, -0.5);
 * assert.equal(head.paramDim, 3);
 * assert.deepEqual(Array.from(head.parameters[0].data), [-0.5, -0.5, -0.5]);
 * assert.equal(policyHead({ type: "discrete", n: 4 }).paramDim, 4);
 * ```
 * @module
 */
import type { Rng } from "../random.ts";
import type { Space } from "../envs/spaces.ts";
import {
  Categorical,
  DiagGaussian,
  type FisherPolicy,
  type MLP,
  Parameter,
  sampleCategoricalRows,
  sampleGaussianRows,
  type Tensor,
} from "../nn/mod.ts";

/** A policy distribution over a batch of rows (from a {@link PolicyHead}). */
export type PolicyDistribution = Categorical | DiagGaussian;

/** Where {@link PolicyHead.sampleInto} writes: the actions and their `log π(a|s)`. */
export interface Samples {
  /** Flat actions (`rows × actDim`). */
  actions: Int32Array | Float32Array;
  /** `log π(aᵢ|sᵢ)` of each row. */
  logProbs: Float32Array;
}

/** The part of a policy between the actor's output and the actions. */
export interface PolicyHead {
  /** True when actions are integers (`Int32Array`), false for real vectors. */
  readonly discrete: boolean;
  /** Action elements per row (1 for discrete). */
  readonly actDim: number;
  /** Width of the actor output the head reads (logits or means). */
  readonly paramDim: number;
  /** The head's own learnable parameters (the Gaussian's `logStd`), after the actor's. */
  readonly parameters: Parameter[];
  /** `π` from distribution parameters `y` (`rows × paramDim`), on the tape; `logStd` overrides the head's. */
  distribution(y: Tensor, logStd?: Tensor): PolicyDistribution;
  /** `log π(a|s)` (`rows × 1`) of flat actions under `pi`. */
  logProb(pi: PolicyDistribution, actions: Int32Array | Float32Array): Tensor;
  /** `KL(old ‖ pi)` per row (`rows × 1`). */
  kl(old: PolicyDistribution, pi: PolicyDistribution): Tensor;
  /** Flat actions for `rows` rows. */
  createActions(rows: number): Int32Array | Float32Array;
  /** Draws (or, `deterministic`, takes the mode of) one action per row of raw `y`, no tape. */
  sampleInto(y: Float32Array, rows: number, rng: Rng, out: Samples, deterministic: boolean): void;
  /** The policy in the form `FisherOperator` needs, with `net` as the actor. */
  fisherPolicy(net: MLP): FisherPolicy;
  /** The head's fields of an exported `PolicySpec` (`logStd` for the Gaussian). */
  specFields(): { logStd?: Float32Array };
}

/** `softmax(y)` over `n` actions. */
export class CategoricalHead implements PolicyHead {
  /** Integer actions. */
  readonly discrete = true;
  /** One action index per row. */
  readonly actDim = 1;
  /** `n` logits. */
  readonly paramDim: number;
  /** No parameters of its own. */
  readonly parameters: Parameter[] = [];
  #probs: Float64Array;

  /** A head over `n` actions. */
  constructor(n: number) {
    this.paramDim = n;
    this.#probs = new Float64Array(n);
  }

  /** `Categorical(y)`. */
  distribution(y: Tensor): Categorical {
    return new Categorical(y);
  }

  /** `log softmax(y)_a`. */
  logProb(pi: PolicyDistribution, actions: Int32Array | Float32Array): Tensor {
    return (pi as Categorical).logProb(actions);
  }

  /** `Σ_a π_old(a) (log π_old(a) − log π(a))`. */
  kl(old: PolicyDistribution, pi: PolicyDistribution): Tensor {
    return (old as Categorical).kl(pi as Categorical);
  }

  /** `Int32Array(rows)`. */
  createActions(rows: number): Int32Array {
    return new Int32Array(rows);
  }

  /** Inverse-CDF sampling (`sampleCategoricalRows`). */
  sampleInto(y: Float32Array, rows: number, rng: Rng, out: Samples, deterministic: boolean): void {
    const k = this.paramDim, actions = out.actions as Int32Array, p = this.#probs;
    try {
      sampleCategoricalRows(y, rows, k, rng, actions, out.logProbs, deterministic, p);
    } catch (error) {
      throw new RangeError(`ActorCritic.act: actor output: ${(error as Error).message}`);
    }
  }

  /** Categorical on the actor's logits. */
  fisherPolicy(net: MLP): FisherPolicy {
    return { net, distribution: "categorical" };
  }

  /** Nothing beyond the actor. */
  specFields(): { logStd?: Float32Array } {
    return {};
  }
}

/** `N(y, diag(σ²))` over `d` dimensions, `log σ` learned and state-independent. */
export class DiagGaussianHead implements PolicyHead {
  /** Real-vector actions. */
  readonly discrete = false;
  /** `d` values per row. */
  readonly actDim: number;
  /** `d` means. */
  readonly paramDim: number;
  /** `[logStd]`. */
  readonly parameters: Parameter[];
  /** `log σ` (`1 × d`). */
  readonly logStd: Parameter;

  /** A head over `d` dimensions with `log σ = logStdInit` everywhere. */
  constructor(d: number, logStdInit = 0) {
    this.actDim = d;
    this.paramDim = d;
    this.logStd = new Parameter("logStd", 1, d, new Float32Array(d).fill(logStdInit));
    this.parameters = [this.logStd];
  }

  /** `DiagGaussian(y, logStd)` (the head's own `logStd` unless given). */
  distribution(y: Tensor, logStd?: Tensor): DiagGaussian {
    return new DiagGaussian(y, logStd ?? this.logStd);
  }

  /** `Σ_j log N(a_j; μ_j, σ_j²)`. */
  logProb(pi: PolicyDistribution, actions: Int32Array | Float32Array): Tensor {
    return (pi as DiagGaussian).logProb(actions as Float32Array);
  }

  /** The closed-form KL of diagonal Gaussians. */
  kl(old: PolicyDistribution, pi: PolicyDistribution): Tensor {
    return (old as DiagGaussian).kl(pi as DiagGaussian);
  }

  /** `Float32Array(rows × d)`. */
  createActions(rows: number): Float32Array {
    return new Float32Array(rows * this.actDim);
  }

  /** `a = μ + σ·ε` (`sampleGaussianRows`). */
  sampleInto(y: Float32Array, rows: number, rng: Rng, out: Samples, deterministic: boolean): void {
    const actions = out.actions as Float32Array;
    const ls = this.logStd.data;
    sampleGaussianRows(y, ls, rows, this.actDim, rng, actions, out.logProbs, deterministic);
  }

  /** Gaussian means from the actor, with this `logStd`. */
  fisherPolicy(net: MLP): FisherPolicy {
    return { net, distribution: "gaussian", logStd: this.logStd };
  }

  /** A copy of `logStd`. */
  specFields(): { logStd?: Float32Array } {
    return { logStd: this.logStd.data.slice() };
  }
}

/**
 * The head for `actionSpace`: {@link CategoricalHead} for `discrete`,
 * {@link DiagGaussianHead} for `box` (with `log σ = logStdInit`).
 * @throws TypeError for another action space
 */
export function policyHead(actionSpace: Space, logStdInit = 0): PolicyHead {
  if (actionSpace.type === "discrete") return new CategoricalHead(actionSpace.n);
  if (actionSpace.type === "box") {
    return new DiagGaussianHead(actionSpace.shape.reduce((a, b) => a * b, 1), logStdInit);
  }
  throw new TypeError(
    `ActorCritic: action space must be discrete or box, got ${actionSpace.type}`,
  );
}
