/**
 * The actor-critic network every algorithm trains: separate actor and critic MLPs.
 *
 * - Actor: `y = MLP_θ(s)`; discrete actions `π_θ(·|s) = softmax(y)` (Categorical over
 *   logits `y`); box actions `π_θ(·|s) = N(y, diag(exp(2·logStd)))` with a
 *   state-independent, learned `logStd` (DiagGaussian).
 * - Critic: `v_φ(s) = MLP_φ(s)` with one output.
 * - Initialisation as the PPO literature: orthogonal, gain √2 on hidden layers, 0.01 on
 *   the policy head, 1 on the value head; biases zero.
 *
 * Rollouts use {@link ActorCritic.act} and {@link ActorCritic.valuesInto}: batched,
 * no-grad forwards into caller-owned buffers, allocating nothing after the first call.
 * Sampling draws from the caller's `Rng` in a fixed order (row by row), so a seeded run is
 * reproducible bit for bit.
 *
 * @example
 * ```ts
 * import { Rng } from "../random.ts";
 * import { ActorCritic } from "./actor_critic.ts";
 * const ac = new ActorCritic({
 *   observationSpace: { type: "box", low: -1, high: 1, shape: [3] },
 *   actionSpace: { type: "discrete", n: 2 },
 *   hiddenSizes: [8],
 *   rng: new Rng(0),
 * });
 * const out = ac.createActBuffers(1);
 * ac.act(new Float32Array([0.1, 0.2, 0.3]), 1, new Rng(1), out);
 * console.assert(out.actions[0] === 0 || out.actions[0] === 1);
 * ```
 * @module
 */
import type { Rng } from "../random.ts";
import type { Space } from "../envs/spaces.ts";
import {
  type Activation,
  Categorical,
  DiagGaussian,
  type FisherPolicy,
  MLP,
  Parameter,
  type Tensor,
} from "../nn/mod.ts";
import type { ObsNormSpec, PolicyProvenance, PolicySpec } from "./spec.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Options of {@link ActorCritic}. */
export interface ActorCriticOptions {
  /** Observation space (flattened). */
  observationSpace: Space;
  /** Action space: `discrete` or `box`. */
  actionSpace: Space;
  /** Hidden widths of both networks (default `[64, 64]`). */
  hiddenSizes?: readonly number[];
  /** Hidden activation (default `"tanh"`). */
  activation?: Activation;
  /** Initial log standard deviation for box actions (default 0). */
  logStdInit?: number;
  /** Build a critic (default true). */
  critic?: boolean;
  /** Generator for the initialisation. */
  rng: Rng;
}

/** Buffers written by {@link ActorCritic.act} for a batch of `rows` observations. */
export interface ActBuffers {
  /** Sampled actions: `Int32Array(rows)` (discrete) or `Float32Array(rows × d)` (box). */
  actions: Int32Array | Float32Array;
  /** `log π(a|s)` of each sampled action. */
  logProbs: Float32Array;
  /** Distribution parameters: logits (`rows × n`) or means (`rows × d`). */
  params: Float32Array;
  /** `v(s)` of each row (when the policy has a critic). */
  values: Float32Array;
}

/** Actor (and critic) networks with the rollout and training interfaces. */
export class ActorCritic {
  /** Observation space. */
  readonly observationSpace: Space;
  /** Action space. */
  readonly actionSpace: Space;
  /** True for discrete actions (Categorical), false for box (DiagGaussian). */
  readonly discrete: boolean;
  /** Observation width. */
  readonly obsDim: number;
  /** Action elements per row (1 for discrete, d for box). */
  readonly actDim: number;
  /** Width of the actor output (n logits or d means). */
  readonly paramDim: number;
  /** The actor network. */
  readonly actor: MLP;
  /** The critic network, or `null`. */
  readonly critic: MLP | null;
  /** The Gaussian's log standard deviation (1 × d), or `null` for discrete actions. */
  readonly logStd: Parameter | null;
  #probs = new Float64Array(0);

  /** Builds both networks with orthogonal initialisation. */
  constructor(options: ActorCriticOptions) {
    const { observationSpace, actionSpace, rng } = options;
    if (actionSpace.type !== "discrete" && actionSpace.type !== "box") {
      throw new TypeError(
        `ActorCritic: action space must be discrete or box, got ${actionSpace.type}`,
      );
    }
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.discrete = actionSpace.type === "discrete";
    this.obsDim = spaceSize(observationSpace);
    this.actDim = actionSpace.type === "discrete" ? 1 : spaceSize(actionSpace);
    this.paramDim = actionSpace.type === "discrete" ? actionSpace.n : this.actDim;
    const hidden = options.hiddenSizes ?? [64, 64];
    const activation = options.activation ?? "tanh";
    this.actor = new MLP({
      sizes: [this.obsDim, ...hidden, this.paramDim],
      activation,
      rng,
      outputGain: 0.01,
      name: "actor",
    });
    this.critic = options.critic === false ? null : new MLP({
      sizes: [this.obsDim, ...hidden, 1],
      activation,
      rng,
      outputGain: 1,
      name: "critic",
    });
    this.logStd = this.discrete ? null : new Parameter(
      "logStd",
      1,
      this.actDim,
      new Float32Array(this.actDim).fill(options.logStdInit ?? 0),
    );
  }

  /** The actor's parameters (the `logStd` last, for box actions). */
  actorParameters(): Parameter[] {
    const ps = this.actor.parameters();
    return this.logStd ? [...ps, this.logStd] : ps;
  }

  /** The critic's parameters (empty without a critic). */
  criticParameters(): Parameter[] {
    return this.critic?.parameters() ?? [];
  }

  /** Every parameter: actor, then critic. */
  parameters(): Parameter[] {
    return [...this.actorParameters(), ...this.criticParameters()];
  }

  /** `π_θ(·|s)` for a batch of observations (`rows × obsDim`), on the tape. */
  distribution(obs: Tensor): Categorical | DiagGaussian {
    const y = this.actor.forward(obs);
    return this.discrete ? new Categorical(y) : new DiagGaussian(y, this.logStd!);
  }

  /**
   * `π` built from given distribution parameters (logits or means), e.g. the old policy;
   * for box actions with `logStd` (default: the current, learnable one).
   */
  distributionFromParams(params: Tensor, logStd?: Tensor): Categorical | DiagGaussian {
    return this.discrete
      ? new Categorical(params)
      : new DiagGaussian(params, logStd ?? this.logStd!);
  }

  /** `log π(a|s)` (`rows × 1`) of flat actions under `pi` (from {@link ActorCritic.distribution}). */
  logProb(pi: Categorical | DiagGaussian, actions: Int32Array | Float32Array): Tensor {
    return pi instanceof Categorical ? pi.logProb(actions) : pi.logProb(actions as Float32Array);
  }

  /** `KL(old ‖ pi)` per row (`rows × 1`), both from this policy's family. */
  kl(old: Categorical | DiagGaussian, pi: Categorical | DiagGaussian): Tensor {
    if (old instanceof Categorical && pi instanceof Categorical) return old.kl(pi);
    if (old instanceof DiagGaussian && pi instanceof DiagGaussian) return old.kl(pi);
    throw new TypeError("ActorCritic.kl: distributions of different families");
  }

  /** `v_φ(s)` (`rows × 1`), on the tape. */
  value(obs: Tensor): Tensor {
    if (!this.critic) throw new Error("ActorCritic.value: this policy has no critic");
    return this.critic.forward(obs);
  }

  /** The policy in the form `FisherOperator` needs. */
  fisherPolicy(): FisherPolicy {
    return this.discrete
      ? { net: this.actor, distribution: "categorical" }
      : { net: this.actor, distribution: "gaussian", logStd: this.logStd! };
  }

  /** Allocates buffers for {@link ActorCritic.act} on `rows` observations. */
  createActBuffers(rows: number): ActBuffers {
    return {
      actions: this.discrete ? new Int32Array(rows) : new Float32Array(rows * this.actDim),
      logProbs: new Float32Array(rows),
      params: new Float32Array(rows * this.paramDim),
      values: new Float32Array(rows),
    };
  }

  /**
   * Rollout step: for `rows` observations, computes the distribution parameters, draws
   * (or, when `deterministic`, takes the mode of) one action per row, its `log π(a|s)` and,
   * when `withValues` and there is a critic, `v(s)`. No-grad; allocation-free after the
   * first call with this many rows.
   */
  act(
    obs: Float32Array,
    rows: number,
    rng: Rng,
    out: ActBuffers,
    deterministic = false,
    withValues = true,
  ): void {
    this.actor.forwardInto(obs, rows, out.params);
    if (withValues && this.critic) this.critic.forwardInto(obs, rows, out.values);
    const k = this.paramDim;
    const y = out.params;
    if (this.discrete) {
      const actions = out.actions as Int32Array;
      if (this.#probs.length < k) this.#probs = new Float64Array(k);
      const p = this.#probs;
      for (let i = 0; i < rows; i++) {
        const o = i * k;
        let max = -Infinity;
        for (let j = 0; j < k; j++) if (y[o + j] > max) max = y[o + j];
        let z = 0;
        for (let j = 0; j < k; j++) z += p[j] = Math.exp(y[o + j] - max);
        if (!(z > 0 && z < Infinity)) {
          throw new RangeError(
            `ActorCritic.act: actor output row ${i} is not finite (${y.subarray(o, o + k)})`,
          );
        }
        let a: number;
        if (deterministic) {
          a = 0;
          for (let j = 1; j < k; j++) if (y[o + j] > y[o + a]) a = j;
        } else {
          a = rng.categorical(p, 0, k);
        }
        actions[i] = a;
        out.logProbs[i] = y[o + a] - max - Math.log(z);
      }
    } else {
      const actions = out.actions as Float32Array;
      const ls = this.logStd!.data;
      for (let i = 0; i < rows; i++) {
        const o = i * k;
        let lp = 0;
        for (let j = 0; j < k; j++) {
          const noise = deterministic ? 0 : rng.normal();
          const a = y[o + j] + Math.exp(ls[j]) * noise;
          actions[o + j] = a;
          const z = (actions[o + j] - y[o + j]) / Math.exp(ls[j]);
          lp += -0.5 * z * z - ls[j] - HALF_LOG_2PI;
        }
        out.logProbs[i] = lp;
      }
    }
  }

  /** `v(s)` of `rows` observations into `out` (no-grad, allocation-free after warm-up). */
  valuesInto(obs: Float32Array, rows: number, out: Float32Array): Float32Array {
    if (!this.critic) throw new Error("ActorCritic.valuesInto: this policy has no critic");
    return this.critic.forwardInto(obs, rows, out);
  }

  /** The policy as plain data, for export (`obsNorm` when trained with normalisation). */
  toSpec(provenance: PolicyProvenance, obsNorm?: ObsNormSpec): PolicySpec {
    const spec: PolicySpec = {
      observationSpace: this.observationSpace,
      actionSpace: this.actionSpace,
      actor: this.actor.toSpec(),
      provenance,
    };
    if (obsNorm) spec.obsNorm = obsNorm;
    if (this.logStd) spec.logStd = this.logStd.data.slice();
    if (this.critic) spec.critic = this.critic.toSpec();
    return spec;
  }
}

/** Elements of a flattened sample of a box (or 1 for discrete, n for multi-discrete). */
function spaceSize(space: Space): number {
  if (space.type === "box") return space.shape.reduce((a, b) => a * b, 1);
  if (space.type === "multi-discrete") return space.nvec.length;
  return 1;
}
