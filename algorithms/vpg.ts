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
import { Adam, add, backward, mean, mulScalar, type Optimizer, square, sub } from "../nn/mod.ts";
import { explainedVariance } from "./advantages.ts";
import { policyGradientLoss } from "./losses.ts";
import type { UpdateStats } from "./agent.ts";
import { type ConfigInput, parseConfig, type VPGConfig } from "./config.ts";
import { OnPolicyAgent } from "./on_policy.ts";

/** Vanilla policy gradient with a GAE baseline. */
export class VPG extends OnPolicyAgent<VPGConfig> {
  /** `"vpg"`. */
  readonly algo = "vpg" as const;
  #pi!: Adam;
  #vf!: Adam;

  /** Validates `config` (defaults: Spinning Up). */
  constructor(config: ConfigInput<VPGConfig>) {
    super(parseConfig("vpg", config));
  }

  /** Restores an agent saved with `save(dir)`. */
  static async load(dir: string): Promise<VPG> {
    const info = await VPG.readCheckpointInfo(dir);
    const agent = new VPG(info.config as ConfigInput<VPGConfig>);
    await agent.restore(dir);
    return agent;
  }

  /** Separate Adam optimisers for the policy and the baseline. */
  protected override setup(): void {
    super.setup();
    const c = this.config;
    this.#pi = new Adam(this.policy.actorParameters(), { lr: c.learningRate, eps: c.adamEps });
    this.#vf = new Adam(this.policy.criticParameters(), { lr: c.vfLearningRate, eps: c.adamEps });
  }

  /** The two optimisers. */
  protected optimizers(): Record<string, Optimizer> {
    return { pi: this.#pi, vf: this.#vf };
  }

  /** One policy-gradient step, then the baseline regression. */
  protected update(): UpdateStats {
    const c = this.config;
    const p = this.policy;
    const batch = this.gather(this.batchIndices(), 0, this.buffer.size, c.normalizeAdvantages);
    // 2. policy gradient: L^PG = −E[log π(a|s) Â] − c_ent E[H]
    const actorParams = p.actorParameters();
    const pi = p.distribution(batch.obs);
    const pgLoss = policyGradientLoss(p.logProb(pi, batch.actions), batch.advantages);
    const ent = mean(pi.entropy());
    const loss = add(pgLoss, mulScalar(ent, -c.entCoef));
    this.#pi.zeroGrad();
    backward(loss);
    this.clipAndCheck("VPG policy loss", loss.item(), actorParams, c.maxGradNorm);
    this.#pi.step();
    // 3. baseline regression: L^V = E[(v(s) − R)²], vfIters full-batch steps
    const criticParams = p.criticParameters();
    let valueLoss = 0;
    for (let i = 0; i < c.vfIters; i++) {
      const vLoss = mean(square(sub(p.value(batch.obs), batch.returns)));
      this.#vf.zeroGrad();
      backward(vLoss);
      valueLoss = vLoss.item();
      this.clipAndCheck("VPG value loss", valueLoss, criticParams);
      this.#vf.step();
    }
    return {
      policyLoss: pgLoss.item(),
      valueLoss,
      entropy: ent.item(),
      approxKl: this.batchApproxKl(),
      explainedVariance: explainedVariance(this.buffer.values, this.buffer.returns),
      learningRate: this.#pi.lr,
    };
  }
}
