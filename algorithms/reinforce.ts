/**
 * REINFORCE (Williams, 1992): Monte Carlo policy gradient on whole episodes, with an
 * optional learned state-value baseline (`baseline: true`, the `reinforce-baseline`
 * algorithm).
 *
 * Each update:
 *
 * 1. Run π_θ until `episodesPerUpdate` complete episodes started under the current θ
 *    (episodes in progress at an update are finished but discarded: strictly on-policy).
 * 2. Reward-to-go of each episode `G_t = Σ_{t'≥t} γ^{t'−t} r_{t'}` (`returnsToGo`). With a
 *    baseline, an episode cut by a time limit bootstraps `G_T = v_φ(s_T)`; without one it
 *    ends at 0.
 * 3. Weights `Ψ_t = G_t` (plain) or `G_t − v_φ(s_t)` (baseline), optionally normalised.
 * 4. One Adam step on `L = −(1/|D|) Σ_t log π_θ(a_t|s_t) Ψ_t − c_ent E[H]`, at the rate
 *    `lr₀`, or `lr₀ · (1 − t/T)` with `annealLr` (t of the T training steps done when the
 *    batch's collection began: batches are whole episodes, so the schedule counts steps).
 * 5. With a baseline: `vfIters` full-batch Adam steps on `E[(v_φ(s_t) − G_t)²]`.
 *
 * @example
 * ```ts ignore
 * import { REINFORCE } from "./reinforce.ts";
 * await new REINFORCE({ env: "CartPole-v1", baseline: true }).learn({ totalTimesteps: 100_000 });
 * ```
 * @module
 */
import { mean, mulScalar, type Optimizer, sub, Tensor } from "../nn/mod.ts";
import { z } from "../deps.ts";
import type { JsonValue } from "../policies/checkpoint.ts";
import type { ActBuffers } from "../policies/actor_critic.ts";
import { explainedVariance, normalize, returnsToGo } from "./advantages.ts";
import { toEnvActions } from "./actions.ts";
import { meanSquaredError, policyGradientLoss } from "./losses.ts";
import { Agent, type UpdateStats } from "./agent.ts";
import * as hp from "./config.ts";

/** REINFORCE's hyper-parameters (a learned baseline with `baseline: true`). */
export const reinforceSchema: hp.SeparateCriticFields & {
  episodesPerUpdate: hp.Field<number>;
  annealLr: hp.Field<boolean>;
  baseline: hp.Field<boolean>;
} = {
  ...hp.separateCriticFields(
    { numEnvs: 1, learningRate: 1e-3, maxGradNorm: 0 },
    { vfLearningRate: 1e-3, vfIters: 5 },
    { entCoef: 0, normalizeAdvantages: false },
  ),
  episodesPerUpdate: hp.numberField(
    z.number().int().positive().default(8),
    "complete episodes per policy update",
  ),
  annealLr: hp.annealField(false),
  baseline: baselineField(false),
};

/** REINFORCE with a learned baseline: {@link reinforceSchema} with `baseline: true`. */
export const reinforceBaselineSchema: typeof reinforceSchema = {
  ...reinforceSchema,
  baseline: baselineField(true),
};

/** A learned state-value baseline, `Ψ_t = G_t − v_φ(s_t)`. */
function baselineField(baseline: boolean): hp.Field<boolean> {
  return hp.booleanField(baseline, "learn a state-value baseline: weights G_t − v(s_t)");
}

/** Validated REINFORCE configuration (with or without a learned baseline). */
export type ReinforceConfig = hp.SchemaConfig<typeof reinforceSchema>;

/** Growable per-environment trajectory. */
class Trajectory {
  obs: Float32Array;
  actions: Float32Array;
  rewards: number[] = [];
  length = 0;
  constructor(readonly obsDim: number, readonly actDim: number) {
    this.obs = new Float32Array(256 * obsDim);
    this.actions = new Float32Array(256 * actDim);
  }
  push(obs: Float32Array, obsOff: number, act: ArrayLike<number>, actOff: number, r: number) {
    if ((this.length + 1) * this.obsDim > this.obs.length) {
      const o = new Float32Array(this.obs.length * 2);
      o.set(this.obs);
      this.obs = o;
      const a = new Float32Array(this.actions.length * 2);
      a.set(this.actions);
      this.actions = a;
    }
    for (let j = 0; j < this.obsDim; j++) {
      this.obs[this.length * this.obsDim + j] = obs[obsOff + j];
    }
    for (let j = 0; j < this.actDim; j++) {
      this.actions[this.length * this.actDim + j] = act[actOff + j];
    }
    this.rewards.push(r);
    this.length++;
  }
  clear() {
    this.length = 0;
    this.rewards.length = 0;
  }
}

/** REINFORCE, with or without a learned baseline. */
export class REINFORCE extends Agent<ReinforceConfig, { pi: Optimizer; vf?: Optimizer }> {
  #traj: Trajectory[] = [];
  #fresh: boolean[] = [];
  #act!: ActBuffers;
  #envActions!: Int32Array | Float32Array;
  #obsNow!: Float32Array;
  // the batch of complete episodes
  #bObs: number[] = [];
  #bAct: number[] = [];
  #bRet: number[] = [];
  #finalScratch!: Float32Array;
  #finalValue = new Float32Array(1);
  /** Training steps done when the current batch's collection began (the annealing's t). */
  #batchStart = 0;

  /** Validates `config`; `baseline: true` gives REINFORCE with a learned baseline. */
  constructor(config: hp.ConfigInput<ReinforceConfig>, algo?: "reinforce" | "reinforce-baseline") {
    const name = algo ?? (config.baseline ? "reinforce-baseline" : "reinforce");
    super(name, name === "reinforce" ? reinforceSchema : reinforceBaselineSchema, config);
  }

  /** `"reinforce"`, or `"reinforce-baseline"` with a learned baseline. */
  override get algo(): string {
    return this.config.baseline ? "reinforce-baseline" : "reinforce";
  }

  /** The critic exists only with a baseline. */
  protected override get usesCritic(): boolean {
    return this.config.baseline;
  }

  /** Unknown in advance (whole episodes). */
  protected get stepsPerUpdate(): number {
    return 0;
  }

  /** Optimisers and trajectory buffers. */
  protected override setup(): void {
    const c = this.config;
    const p = this.policy;
    const n = c.numEnvs;
    this.#traj = Array.from({ length: n }, () => new Trajectory(p.obsDim, p.actDim));
    this.#fresh = new Array(n).fill(true);
    this.#act = p.createActBuffers(n);
    this.#envActions = p.head.createActions(n);
    this.#obsNow = new Float32Array(n * p.obsDim);
    this.#finalScratch = new Float32Array(p.obsDim);
  }

  /** Adam for the policy, and for the baseline when there is one. */
  protected createOptimizers(): { pi: Optimizer; vf?: Optimizer } {
    const c = this.config;
    const pi = this.adam(this.policy.actorParameters(), c.learningRate);
    return c.baseline
      ? { pi, vf: this.adam(this.policy.criticParameters(), c.vfLearningRate) }
      : { pi };
  }

  /** Which in-progress episodes started under the current θ. */
  protected override algoState(): JsonValue {
    return { fresh: this.#fresh };
  }

  /** Restores the flags. */
  protected override setAlgoState(state: JsonValue): void {
    const s = state as { fresh?: boolean[] } | null;
    if (Array.isArray(s?.fresh)) this.#fresh = s.fresh.slice();
  }

  /** 1. Runs the environments until enough fresh episodes are complete. */
  protected async collect(): Promise<boolean> {
    const c = this.config;
    const p = this.policy;
    const envs = this.envs;
    const n = c.numEnvs, d = p.obsDim, k = p.actDim;
    this.#bObs = [];
    this.#bAct = [];
    this.#bRet = [];
    this.#batchStart = this.timesteps;
    let episodes = 0;
    while (episodes < c.episodesPerUpdate) {
      this.#obsNow.set(envs.observations);
      p.act(this.#obsNow, n, this.rng, this.#act, false, false);
      let res = envs.step(toEnvActions(p.actionSpace, this.#act.actions, n, this.#envActions));
      if (res instanceof Promise) res = await res;
      for (let i = 0; i < n; i++) {
        const tr = this.#traj[i];
        tr.push(this.#obsNow, i * d, this.#act.actions, i * k, res.rewards[i]);
        if (!res.terminated[i] && !res.truncated[i]) continue;
        if (this.#fresh[i] && episodes < c.episodesPerUpdate) {
          let bootstrap = 0;
          if (c.baseline && res.truncated[i] && !res.terminated[i]) {
            this.#finalScratch.set(res.finalObservations.subarray(i * d, (i + 1) * d));
            bootstrap = p.valuesInto(this.#finalScratch, 1, this.#finalValue)[0];
          }
          // 2. reward-to-go
          const g = returnsToGo(tr.rewards, c.gamma, bootstrap);
          for (let t = 0; t < tr.length; t++) {
            for (let j = 0; j < d; j++) this.#bObs.push(tr.obs[t * d + j]);
            for (let j = 0; j < k; j++) this.#bAct.push(tr.actions[t * k + j]);
            this.#bRet.push(g[t]);
          }
          episodes++;
        }
        tr.clear();
        this.#fresh[i] = true;
      }
      let go = this.afterStep(res.finishedEpisodes, n);
      if (go instanceof Promise) go = await go;
      if (!go) return false;
    }
    // Episodes now in progress started under the old θ: finish them, but discard them.
    for (let i = 0; i < n; i++) this.#fresh[i] = this.#traj[i].length === 0;
    return true;
  }

  /** 3–5. The policy-gradient step and the baseline regression. */
  protected update(): UpdateStats {
    const c = this.config;
    const p = this.policy;
    const rows = this.#bRet.length;
    const obs = new Tensor(rows, p.obsDim, Float32Array.from(this.#bObs));
    const actions = p.discrete ? Int32Array.from(this.#bAct) : Float32Array.from(this.#bAct);
    const G = Float64Array.from(this.#bRet);
    // 3. Ψ = G or G − v(s)
    const psi = Float64Array.from(G);
    let values: Float32Array = new Float32Array(rows);
    if (c.baseline) {
      values = p.valuesInto(obs.data, rows, new Float32Array(rows));
      for (let t = 0; t < rows; t++) psi[t] -= values[t];
    }
    if (c.normalizeAdvantages) normalize(psi);
    // 4. policy gradient, at lr₀ or lr₀ · (1 − t/T)
    const total = this.totalTimesteps ?? 0;
    const remaining = total > 0 ? Math.max(0, 1 - this.#batchStart / total) : 1;
    this.optimizers.pi.lr = c.annealLr ? c.learningRate * remaining : c.learningRate;
    const pi = p.distribution(obs);
    const weights = new Tensor(rows, 1, Float32Array.from(psi));
    const pgLoss = policyGradientLoss(p.logProb(pi, actions), weights);
    const ent = mean(pi.entropy());
    const loss = sub(pgLoss, mulScalar(ent, c.entCoef));
    this.descend(this.optimizers.pi, "REINFORCE policy loss", loss, c.maxGradNorm);
    // 5. baseline regression on G
    let valueLoss = 0;
    const vf = this.optimizers.vf;
    if (vf) {
      const target = new Tensor(rows, 1, Float32Array.from(G));
      for (let i = 0; i < c.vfIters; i++) {
        const vLoss = meanSquaredError(p.value(obs), target);
        this.descend(vf, "REINFORCE baseline loss", vLoss);
        valueLoss = vLoss.item();
      }
    }
    return {
      policyLoss: pgLoss.item(),
      valueLoss: vf ? valueLoss : null,
      entropy: ent.item(),
      approxKl: null,
      explainedVariance: c.baseline ? explainedVariance(values, G) : null,
      learningRate: this.optimizers.pi.lr,
      extra: { batchSteps: rows },
    };
  }
}
