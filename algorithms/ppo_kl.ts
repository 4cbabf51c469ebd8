/**
 * PPO with an adaptive KL penalty (Schulman et al., 2017, section 4).
 *
 * Each update:
 *
 * 1. Collect `T × N` transitions with π_old; GAE(γ, λ) advantages Â and returns R.
 * 2. For `updateEpochs` epochs over shuffled minibatches, one Adam step on
 *
 *        L = −E[r_t(θ) Â_t] + β · E[KL(π_old(·|s_t) ‖ π_θ(·|s_t))]
 *            + c_vf · ½E[(v_φ(s_t) − R_t)²] − c_ent · E[H(π_θ)]
 *
 *    with `r_t(θ) = π_θ(a_t|s_t)/π_old(a_t|s_t)`.
 * 3. Adapt the penalty from the mean KL d on the whole batch after the update:
 *    `d > 1.5·d_targ ⇒ β ← 2β`; `d < d_targ/1.5 ⇒ β ← β/2`.
 *
 * @example
 * ```ts ignore
 * import { PPOKL } from "./ppo_kl.ts";
 * await new PPOKL({ env: "CartPole-v1" }).learn({ totalTimesteps: 100_000 });
 * ```
 * @module
 */
import { mean, noGrad } from "../nn/mod.ts";
import { actorCriticLoss, klPenaltyLoss, probabilityRatio, valueLoss } from "./losses.ts";
import type { JsonValue } from "../policies/checkpoint.ts";
import { explainedVariance } from "./advantages.ts";
import type { UpdateStats } from "./agent.ts";
import { SharedAdamAgent } from "./on_policy.ts";
import { z } from "../deps.ts";
import * as hp from "./config.ts";

/** PPO-KL's hyper-parameters. */
export const ppoKlSchema: hp.SharedAdamFields & hp.EpochFields & {
  klTarget: hp.Field<number>;
  klCoefInit: hp.Field<number>;
} = {
  ...hp.sharedAdamFields(
    { numEnvs: 4, numSteps: 512, gaeLambda: 0.95 },
    { learningRate: 3e-4, annealLr: false, maxGradNorm: 0.5 },
    { vfCoef: 0.5, entCoef: 0, normalizeAdvantages: true },
  ),
  ...hp.epochFields({ updateEpochs: 10, numMinibatches: 4 }),
  klTarget: hp.numberField(
    z.number().positive().default(0.01),
    "target KL d: β doubles above 1.5·d, halves below d/1.5",
  ),
  klCoefInit: hp.numberField(z.number().min(0).default(1), "initial penalty coefficient β"),
};

/** Validated PPO-KL configuration: PPO with an adaptive KL penalty. */
export type PPOKLConfig = hp.SchemaConfig<typeof ppoKlSchema>;

/** The adaptive rule of step 3: the next β from the measured KL `d`. */
export function adaptKlCoef(beta: number, d: number, target: number): number {
  if (d > 1.5 * target) return beta * 2;
  if (d < target / 1.5) return beta / 2;
  return beta;
}

/** PPO with an adaptive KL penalty. */
export class PPOKL extends SharedAdamAgent<PPOKLConfig> {
  /** The current penalty coefficient β. */
  klCoef: number;

  /** Validates `config`. */
  constructor(config: hp.ConfigInput<PPOKLConfig>) {
    super("ppo-kl", ppoKlSchema, config);
    this.klCoef = this.config.klCoefInit;
  }

  /** β is saved with checkpoints. */
  protected override algoState(): JsonValue {
    return { klCoef: this.klCoef };
  }

  /** Restores β. */
  protected override setAlgoState(state: JsonValue): void {
    const s = state as { klCoef?: number } | null;
    if (typeof s?.klCoef === "number") this.klCoef = s.klCoef;
  }

  /** Epochs of penalised-surrogate steps, then the β adaptation. */
  protected update(): UpdateStats {
    const c = this.config;
    const p = this.policy;
    const adam = this.scheduledAdam();
    const oldLogStd = p.frozenLogStd();
    const batch = this.buffer.size;
    const beta = this.klCoef;
    let policyLoss = 0, vfLoss = 0, entropy = 0;
    this.minibatchEpochs(c.updateEpochs, c.numMinibatches, c.normalizeAdvantages, (mb) => {
      const pi = p.distribution(mb.obs);
      const ratio = probabilityRatio(p.logProb(pi, mb.actions), mb.oldLogProbs);
      const old = p.distributionFromParams(mb.oldParams, oldLogStd);
      // L^KLPEN = −E[r Â] + β E[KL(π_old‖π_θ)]
      const pLoss = klPenaltyLoss(ratio, mb.advantages, p.kl(old, pi), beta);
      const vLoss = valueLoss(p.value(mb.obs), mb.returns);
      const ent = mean(pi.entropy());
      const loss = actorCriticLoss(pLoss, vLoss, c.vfCoef, ent, c.entCoef);
      this.descend(adam, "PPO-KL loss (surrogate − β·KL + value + entropy)", loss, c.maxGradNorm);
      policyLoss = pLoss.item();
      vfLoss = vLoss.item();
      entropy = ent.item();
    });
    // 3. β adaptation from the exact mean KL on the whole batch
    const full = this.gather(this.batchIndices(), 0, batch, false);
    const d = noGrad(() =>
      mean(p.kl(p.distributionFromParams(full.oldParams, oldLogStd), p.distribution(full.obs)))
        .item()
    );
    this.klCoef = adaptKlCoef(beta, d, c.klTarget);
    return {
      policyLoss,
      valueLoss: vfLoss,
      entropy,
      approxKl: d,
      explainedVariance: explainedVariance(this.buffer.values, this.buffer.returns),
      learningRate: this.optimizers.adam.lr,
      extra: { klCoef: this.klCoef, kl: d },
    };
  }
}
