/**
 * Vanilla policy gradient (Spinning Up's VPG): the policy-gradient theorem with GAE
 * advantages and a learned baseline.
 *
 * Each update:
 *
 * 1. Collect `T × N` transitions with π_θ; compute GAE(γ, λ) advantages Â_t (λ = 1 gives
 *    `G_t − v_φ(s_t)`) and returns R_t; normalise Â (optional).
 * 2. One policy-gradient step: `∇_θ J ≈ E[∇_θ log π_θ(a_t|s_t) Â_t]`, i.e. one Adam step on
 *    `L^PG = −E[log π_θ(a_t|s_t) Â_t] − c_ent E[H(π_θ)]`.
 * 3. Refit the baseline by `vfIters` full-batch Adam steps on `L^V = E[(v_φ(s_t) − R_t)²]`.
 *
 * @example
 * ```ts ignore
 * import { VPG } from "./vpg.ts";
 * await new VPG({ env: "CartPole-v1" }).learn({ totalTimesteps: 100_000 });
 * ```
 * @module
 */
import { mean, mulScalar, type Optimizer, sub } from "../nn/mod.ts";
import { explainedVariance } from "./advantages.ts";
import { meanSquaredError, policyGradientLoss } from "./losses.ts";
import type { UpdateStats } from "./agent.ts";
import { OnPolicyAgent } from "./on_policy.ts";
import * as hp from "./config.ts";

/** VPG's hyper-parameters; the defaults are Spinning Up's. */
export const vpgSchema: hp.SeparateCriticFields & hp.RolloutFields & {
  annealLr: hp.Field<boolean>;
} = {
  ...hp.separateCriticFields(
    { numEnvs: 4, learningRate: 3e-4, maxGradNorm: 0 },
    { vfLearningRate: 1e-3, vfIters: 80 },
    { entCoef: 0, normalizeAdvantages: true },
  ),
  ...hp.rolloutFields({ numSteps: 1000, gaeLambda: 0.97 }),
  annealLr: hp.annealField(false),
};

/** Validated VPG configuration (GAE advantages, one policy step, critic regression). */
export type VPGConfig = hp.SchemaConfig<typeof vpgSchema>;

/** Vanilla policy gradient with a GAE baseline. */
export class VPG extends OnPolicyAgent<VPGConfig, { pi: Optimizer; vf: Optimizer }> {
  /** Validates `config` (defaults: Spinning Up). */
  constructor(config: hp.ConfigInput<VPGConfig>) {
    super("vpg", vpgSchema, config);
  }

  /** Separate Adam optimisers for the policy and the baseline. */
  protected createOptimizers(): { pi: Optimizer; vf: Optimizer } {
    return {
      pi: this.adam(this.policy.actorParameters(), this.config.learningRate),
      vf: this.adam(this.policy.criticParameters(), this.config.vfLearningRate),
    };
  }

  /** One policy-gradient step, then the baseline regression. */
  protected update(): UpdateStats {
    const c = this.config;
    const p = this.policy;
    const batch = this.gather(this.batchIndices(), 0, this.buffer.size, c.normalizeAdvantages);
    // the policy's rate: lr₀, or lr₀ · (1 − (k − 1)/K) at update k of K when annealing
    this.optimizers.pi.lr = c.annealLr ? c.learningRate * this.progressRemaining() : c.learningRate;
    // 2. policy gradient: L^PG = −E[log π(a|s) Â] − c_ent E[H]
    const pi = p.distribution(batch.obs);
    const pgLoss = policyGradientLoss(p.logProb(pi, batch.actions), batch.advantages);
    const ent = mean(pi.entropy());
    const loss = sub(pgLoss, mulScalar(ent, c.entCoef));
    this.descend(this.optimizers.pi, "VPG policy loss", loss, c.maxGradNorm);
    // 3. baseline regression: L^V = E[(v(s) − R)²], vfIters full-batch steps
    let valueLoss = 0;
    for (let i = 0; i < c.vfIters; i++) {
      const vLoss = meanSquaredError(p.value(batch.obs), batch.returns);
      this.descend(this.optimizers.vf, "VPG value loss", vLoss);
      valueLoss = vLoss.item();
    }
    return {
      policyLoss: pgLoss.item(),
      valueLoss,
      entropy: ent.item(),
      approxKl: this.batchApproxKl(),
      explainedVariance: explainedVariance(this.buffer.values, this.buffer.returns),
      learningRate: this.optimizers.pi.lr,
    };
  }
}
