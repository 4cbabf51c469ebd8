/**
 * PPO with the clipped surrogate (Schulman et al., 2017), as CleanRL's `ppo.py`.
 *
 * Each update:
 *
 * 1. Collect `T × N` transitions with π_θold; GAE(γ, λ) advantages Â_t and returns R_t.
 * 2. Optionally anneal the learning rate: `lr = lr₀ · (1 − (k − 1)/K)` at update k of K.
 * 3. For `updateEpochs` epochs, over shuffled minibatches:
 *    - ratio `r_t(θ) = exp(log π_θ(a_t|s_t) − log π_θold(a_t|s_t))`;
 *    - Â normalised over the minibatch (optional);
 *    - policy loss `L^CLIP = −E[min(r_t Â_t, clip(r_t, 1−ε, 1+ε) Â_t)]`;
 *    - value loss `L^V = ½ E[max((v_φ − R)², (v_old + clip(v_φ − v_old, −ε, ε) − R)²)]`
 *      (clipped, optional) or `½ E[(v_φ − R)²]`;
 *    - loss `L = L^CLIP − c_ent · E[H(π_θ)] + c_vf · L^V`; one Adam step after clipping the
 *      global gradient norm to `maxGradNorm`.
 *    - Stop the epochs early when the approximate KL `E[(r − 1) − log r]` exceeds `targetKl`.
 *
 * @example
 * ```ts ignore
 * import { PPO } from "./ppo.ts";
 * const agent = new PPO({ env: "CartPole-v1", seed: 1 });
 * await agent.learn({ totalTimesteps: 50_000 });
 * ```
 * @module
 */
import {
  add,
  BufferPool,
  Categorical,
  categoricalClippedObjective,
  exp,
  mean,
  mulScalar,
  sub,
  type Tensor,
} from "../nn/mod.ts";
import { clippedSurrogateLoss, clippedValueLoss, valueLoss } from "./losses.ts";
import { explainedVariance } from "./advantages.ts";
import type { UpdateStats } from "./agent.ts";
import { type Minibatch, SharedAdamAgent } from "./on_policy.ts";
import { z } from "../deps.ts";
import * as hp from "./config.ts";

/** PPO-clip's hyper-parameters; the defaults are CleanRL `ppo.py`'s. */
export const ppoSchema: hp.SharedAdamFields & hp.EpochFields & {
  clipCoef: hp.Field<number>;
  clipVloss: hp.Field<boolean>;
  targetKl: hp.Field<number | null>;
} = {
  ...hp.sharedAdamFields(
    { numEnvs: 4, numSteps: 128, gaeLambda: 0.95 },
    { learningRate: 2.5e-4, annealLr: true, maxGradNorm: 0.5 },
    { vfCoef: 0.5, entCoef: 0.01, normalizeAdvantages: true },
  ),
  ...hp.epochFields({ updateEpochs: 4, numMinibatches: 4 }),
  clipCoef: hp.numberField(z.number().positive().default(0.2), "clip range ε of the ratio"),
  clipVloss: hp.booleanField(true, "clip the value loss around the old values (same ε)"),
  targetKl: hp.nullableNumberField(
    z.number().positive().nullable().default(null),
    "stop the epochs early when the approximate KL exceeds this (null: never)",
  ),
};

/** Validated PPO-clip configuration. */
export type PPOConfig = hp.SchemaConfig<typeof ppoSchema>;

/** PPO-clip. */
export class PPO extends SharedAdamAgent<PPOConfig> {
  /** Validates `config` (defaults: CleanRL `ppo.py`). */
  constructor(config: hp.ConfigInput<PPOConfig>) {
    super("ppo", ppoSchema, config);
  }

  /** Tape buffers, reused from one minibatch step to the next. */
  #pool = new BufferPool();

  /** Epochs of clipped-surrogate minibatch steps on the collected rollout. */
  protected update(): UpdateStats {
    const c = this.config;
    const p = this.policy;
    const adam = this.scheduledAdam(); // 2. learning-rate annealing
    let policyLoss = 0, vfLoss = 0, entropy = 0, approxKl = 0;
    let clipped = 0, counted = 0;
    // 3. epochs over shuffled minibatches
    const step = (mb: Minibatch) => {
      const pi = p.distribution(mb.obs);
      let ent: Tensor | number, objective: Tensor;
      if (pi instanceof Categorical) {
        // L^CLIP − c_ent·H, its diagnostics and its gradient in one pass over the logits
        const o = categoricalClippedObjective(
          pi.logits,
          mb.actions,
          mb.oldLogProbs,
          mb.advantages,
          c.clipCoef,
          c.entCoef,
        );
        objective = o.loss;
        ent = o.entropy;
        approxKl = o.approxKl;
        clipped += o.clipped;
        policyLoss = o.policyLoss;
      } else {
        const logRatio = sub(p.logProb(pi, mb.actions), mb.oldLogProbs);
        const ratio = exp(logRatio);
        // diagnostics: approx KL = E[(r − 1) − log r], clip fraction
        let kl = 0;
        for (let k = 0; k < mb.size; k++) {
          const r = ratio.data[k];
          kl += r - 1 - logRatio.data[k];
          if (Math.abs(r - 1) > c.clipCoef) clipped++;
        }
        approxKl = kl / mb.size;
        // L^CLIP = −E[min(r Â, clip(r, 1−ε, 1+ε) Â)]
        const pgLoss = clippedSurrogateLoss(ratio, mb.advantages, c.clipCoef);
        ent = mean(pi.entropy());
        objective = sub(pgLoss, mulScalar(ent, c.entCoef));
        policyLoss = pgLoss.item();
      }
      counted += mb.size;
      // L^V, optionally clipped around the old values
      const v = p.value(mb.obs);
      const vLoss = c.clipVloss
        ? clippedValueLoss(v, mb.oldValues, mb.returns, c.clipCoef)
        : valueLoss(v, mb.returns);
      // L = L^CLIP − c_ent·H + c_vf·L^V (summed in CleanRL's order)
      const loss = add(objective, mulScalar(vLoss, c.vfCoef));
      this.descend(adam, "PPO loss (clipped surrogate + value + entropy)", loss, c.maxGradNorm);
      vfLoss = vLoss.item();
      entropy = typeof ent === "number" ? ent : ent.item();
    };
    // every minibatch step reuses the buffers of the one before (no per-step allocation)
    const pooled = (mb: Minibatch) => this.#pool.run(() => step(mb));
    const klTooLarge = () => c.targetKl !== null && approxKl > c.targetKl;
    this.minibatchEpochs(
      c.updateEpochs,
      c.numMinibatches,
      c.normalizeAdvantages,
      pooled,
      klTooLarge,
    );
    const values = this.buffer.values;
    return {
      policyLoss,
      valueLoss: vfLoss,
      entropy,
      approxKl,
      clipFraction: counted > 0 ? clipped / counted : 0,
      explainedVariance: explainedVariance(values, this.buffer.returns),
      learningRate: this.optimizers.adam.lr,
    };
  }
}
