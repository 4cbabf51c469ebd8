/**
 * A2C: synchronous advantage actor-critic (Mnih et al., 2016) over N parallel
 * environments, with n-step advantages.
 *
 * Each update:
 *
 * 1. Collect `n` steps of each of the `N` environments with π_θ.
 * 2. n-step advantages `Â_t = Σ_{k<n−t} γ^k r_{t+k} + γ^{n−t} v_φ(s_n) − v_φ(s_t)` (GAE with
 *    λ = 1; bootstrapping stops at terminations, uses v(final obs) at truncations);
 *    returns `R_t = Â_t + v_φ(s_t)`.
 * 3. One optimiser step on `L = −E[log π_θ(a_t|s_t) Â_t] + c_vf E[(v_φ(s_t) − R_t)²] −
 *    c_ent E[H]`, after clipping the global gradient norm: Adam by default, or with
 *    `optimizer: "rmsprop"` Stable-Baselines3's RMSprop (α 0.99, ε 1e-5).
 *
 * @example
 * ```ts ignore
 * import { A2C } from "./a2c.ts";
 * await new A2C({ env: "CartPole-v1" }).learn({ totalTimesteps: 200_000 });
 * ```
 * @module
 */
import { mean } from "../nn/mod.ts";
import { z } from "../deps.ts";
import { explainedVariance } from "./advantages.ts";
import { actorCriticLoss, meanSquaredError, policyGradientLoss } from "./losses.ts";
import type { UpdateStats } from "./agent.ts";
import { SharedAdamAgent } from "./on_policy.ts";
import * as hp from "./config.ts";

/** A2C's fields: the shared-optimiser ones plus the choice of optimiser. */
export type A2CFields = hp.SharedAdamFields & { optimizer: hp.Field<"adam" | "rmsprop"> };

/** A2C's hyper-parameters; the defaults are Stable-Baselines3's (with Adam). */
export const a2cSchema: A2CFields = {
  ...hp.sharedAdamFields(
    { numEnvs: 8, numSteps: 5, gaeLambda: 1 },
    { learningRate: 7e-4, annealLr: false, maxGradNorm: 0.5 },
    { vfCoef: 0.5, entCoef: 0, normalizeAdvantages: false },
  ),
  optimizer: hp.field(
    z.enum(["adam", "rmsprop"]).default("adam"),
    'the optimiser: "adam" or "rmsprop" (SB3\'s: α 0.99, ε 1e-5)',
  ),
};

/** Validated A2C configuration: synchronous advantage actor-critic with n-step returns. */
export type A2CConfig = hp.SchemaConfig<typeof a2cSchema>;

/** Advantage actor-critic. */
export class A2C extends SharedAdamAgent<A2CConfig> {
  /** Validates `config` (defaults: SB3's A2C, with Adam). */
  constructor(config: hp.ConfigInput<A2CConfig>) {
    super("a2c", a2cSchema, config);
  }

  /** RMSprop instead of Adam with `optimizer: "rmsprop"`. */
  protected override usesRmsprop(): boolean {
    return this.config.optimizer === "rmsprop";
  }

  /** One actor-critic gradient step on the n-step batch. */
  protected update(): UpdateStats {
    const { vfCoef, entCoef, maxGradNorm, normalizeAdvantages } = this.config;
    const p = this.policy;
    const adam = this.scheduledAdam();
    const batch = this.gather(this.batchIndices(), 0, this.buffer.size, normalizeAdvantages);
    const pi = p.distribution(batch.obs);
    const pgLoss = policyGradientLoss(p.logProb(pi, batch.actions), batch.advantages);
    const vLoss = meanSquaredError(p.value(batch.obs), batch.returns);
    const ent = mean(pi.entropy());
    // L = L^PG + c_vf·E[(v − R)²] − c_ent·H
    const loss = actorCriticLoss(pgLoss, vLoss, vfCoef, ent, entCoef);
    this.descend(adam, "A2C loss (policy + value + entropy)", loss, maxGradNorm);
    return {
      policyLoss: pgLoss.item(),
      valueLoss: vLoss.item(),
      entropy: ent.item(),
      approxKl: this.batchApproxKl(),
      explainedVariance: explainedVariance(this.buffer.values, this.buffer.returns),
      learningRate: adam.lr,
    };
  }
}
