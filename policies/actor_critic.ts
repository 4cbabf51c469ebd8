/**
 * The actor-critic network every algorithm trains: separate actor and critic MLPs.
 *
 * - Actor: `y = MLP_θ(s)`, then a policy head chosen once from the action space
 *   (`heads.ts`): discrete actions `π_θ(·|s) = softmax(y)` (Categorical over logits `y`);
 *   box actions `π_θ(·|s) = N(y, diag(exp(2·logStd)))` with a state-independent, learned
 *   `logStd` (DiagGaussian).
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
 * import assert from "node:assert/strict";
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
 * assert.ok(out.actions[0] === 0 || out.actions[0] === 1);
 * ```
 * @module
 */
import type { Rng } from "../random.ts";
import type { Space } from "../envs/spaces.ts";
import { type Activation, type FisherPolicy, MLP, Parameter, type Tensor } from "../nn/mod.ts";
import { type PolicyDistribution, type PolicyHead, policyHead } from "./heads.ts";
import type { ObsNormSpec, PolicyProvenance, PolicySpec } from "./spec.ts";

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
  /** The policy head, chosen from the action space (`heads.ts`). */
  readonly head: PolicyHead;
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

  /** Builds both networks with orthogonal initialisation. */
  constructor(options: ActorCriticOptions) {
    const { observationSpace, actionSpace, rng } = options;
    const head = policyHead(actionSpace, options.logStdInit ?? 0);
    this.head = head;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.discrete = head.discrete;
    this.obsDim = spaceSize(observationSpace);
    this.actDim = head.actDim;
    this.paramDim = head.paramDim;
    this.logStd = head.parameters[0] ?? null;
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
  }

  /** The actor's parameters (the head's, such as `logStd`, last). */
  actorParameters(): Parameter[] {
    return [...this.actor.parameters(), ...this.head.parameters];
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
  distribution(obs: Tensor): PolicyDistribution {
    return this.head.distribution(this.actor.forward(obs));
  }

  /**
   * `π` built from given distribution parameters (logits or means), e.g. the old policy;
   * for box actions with `logStd` (default: the current, learnable one).
   */
  distributionFromParams(params: Tensor, logStd?: Tensor): PolicyDistribution {
    return this.head.distribution(params, logStd);
  }

  /** A frozen copy of `logStd` (named `logStd.old`), for `π_old`; `undefined` without one. */
  frozenLogStd(): Parameter | undefined {
    const ls = this.logStd;
    return ls ? new Parameter("logStd.old", 1, ls.cols, ls.data) : undefined;
  }

  /** `log π(a|s)` (`rows × 1`) of flat actions under `pi` (from {@link ActorCritic.distribution}). */
  logProb(pi: PolicyDistribution, actions: Int32Array | Float32Array): Tensor {
    return this.head.logProb(pi, actions);
  }

  /** `KL(old ‖ pi)` per row (`rows × 1`), both from this policy's head. */
  kl(old: PolicyDistribution, pi: PolicyDistribution): Tensor {
    return this.head.kl(old, pi);
  }

  /** `v_φ(s)` (`rows × 1`), on the tape. */
  value(obs: Tensor): Tensor {
    if (!this.critic) throw new Error("ActorCritic.value: this policy has no critic");
    return this.critic.forward(obs);
  }

  /** The policy in the form `FisherOperator` needs. */
  fisherPolicy(): FisherPolicy {
    return this.head.fisherPolicy(this.actor);
  }

  /** Allocates buffers for {@link ActorCritic.act} on `rows` observations. */
  createActBuffers(rows: number): ActBuffers {
    return {
      actions: this.head.createActions(rows),
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
    this.head.sampleInto(out.params, rows, rng, out, deterministic);
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
    Object.assign(spec, this.head.specFields());
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
