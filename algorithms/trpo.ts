/**
 * TRPO (Schulman et al., 2015): maximise the importance-weighted surrogate subject to a
 * trust region on the mean KL divergence.
 *
 *     maximise_θ  L(θ) = E[π_θ(a|s)/π_old(a|s) · Â]   s.t.  D̄_KL(π_old‖π_θ) ≤ δ
 *
 * Each update:
 *
 * 1. Collect `T × N` transitions; GAE(γ, λ) advantages Â (normalised) and returns R.
 * 2. Policy gradient `g = ∇_θ L(θ_old)`.
 * 3. Natural-gradient direction `x ≈ (F + damping·I)⁻¹ g` by `cgIters` conjugate-gradient
 *    iterations on exact Fisher-vector products (`F` = Hessian of D̄_KL at θ_old).
 * 4. Step scaled to the KL bound: `Δ = √(2δ / xᵀ(F + damping·I)x) · x`.
 * 5. Backtracking line search: `θ = θ_old + βᵏΔ` for k = 0, 1, …, `backtrackIters − 1`,
 *    accepting the first step that improves L and keeps D̄_KL ≤ δ; if none does, θ stays
 *    θ_old.
 * 6. Train the value function separately: `vfIters` epochs of Adam on `E[(v_φ(s) − R)²]`.
 *
 * @example
 * ```ts ignore
 * import { TRPO } from "./trpo.ts";
 * await new TRPO({ env: "Pendulum-v1" }).learn({ totalTimesteps: 200_000 });
 * ```
 * @module
 */
import {
  backward,
  BufferPool,
  conjugateGradient,
  dotProduct,
  FisherOperator,
  getFlatGrad,
  getFlatParams,
  mean,
  noGrad,
  type Optimizer,
  type Parameter,
  setFlatParams,
  zeroGrad,
} from "../nn/mod.ts";
import { explainedVariance } from "./advantages.ts";
import { meanSquaredError, probabilityRatio, surrogateLoss } from "./losses.ts";
import type { UpdateStats } from "./agent.ts";
import { type Minibatch, OnPolicyAgent } from "./on_policy.ts";
import { z } from "../deps.ts";
import * as hp from "./config.ts";

/** TRPO's hyper-parameters (δ = 0.01, 10 CG iterations, damping 0.1: Spinning Up's). */
export const trpoSchema: hp.CommonFields & hp.RolloutFields & hp.CriticFields & {
  maxKl: hp.Field<number>;
  cgIters: hp.Field<number>;
  damping: hp.Field<number>;
  backtrackIters: hp.Field<number>;
  backtrackCoef: hp.Field<number>;
  vfMinibatches: hp.Field<number>;
  normalizeAdvantages: hp.Field<boolean>;
} = {
  ...hp.commonFields,
  numEnvs: hp.numEnvsField(4),
  ...hp.rolloutFields({ numSteps: 1000, gaeLambda: 0.97 }),
  maxKl: hp.numberField(
    z.number().positive().default(0.01),
    "trust-region radius δ on the mean KL",
  ),
  cgIters: hp.numberField(z.number().int().positive().default(10), "conjugate-gradient iterations"),
  damping: hp.numberField(
    z.number().min(0).default(0.1),
    "damping of the Fisher matrix, (F + damping·I)",
  ),
  backtrackIters: hp.numberField(z.number().int().positive().default(10), "line-search steps"),
  backtrackCoef: hp.numberField(
    z.number().gt(0).lt(1).default(0.8),
    "step shrink factor per line-search step",
  ),
  ...hp.criticFields({ vfLearningRate: 1e-3, vfIters: 80 }),
  vfMinibatches: hp.numberField(
    z.number().int().positive().default(1),
    "minibatches per critic regression step (1: full batch)",
  ),
  normalizeAdvantages: hp.normalizeAdvantagesField(true),
};

/** Validated TRPO configuration. */
export type TRPOConfig = hp.SchemaConfig<typeof trpoSchema>;

/** Trust-region policy optimisation. */
export class TRPO extends OnPolicyAgent<TRPOConfig, { vf: Optimizer }> {
  /** Validates `config` (defaults: δ = 0.01, 10 CG iterations, damping 0.1). */
  constructor(config: hp.ConfigInput<TRPOConfig>) {
    super("trpo", trpoSchema, config);
  }

  /** The critic's optimiser (the policy moves by natural-gradient steps). */
  protected createOptimizers(): { vf: Optimizer } {
    return { vf: this.adam(this.policy.criticParameters(), this.config.vfLearningRate) };
  }

  /** Tape buffers, reused by each pass over the batch (nothing allocated per pass). */
  #pool = new BufferPool();

  /** `L(θ) = E[r(θ) Â]` and `D̄_KL(π_old‖π_θ)` on the batch, without gradient. */
  #surrogateAndKl(batch: Minibatch, oldLogStd: Parameter | undefined): [number, number] {
    const p = this.policy;
    return this.#pool.run(() =>
      noGrad(() => {
        const pi = p.distribution(batch.obs);
        const ratio = probabilityRatio(p.logProb(pi, batch.actions), batch.oldLogProbs);
        const surrogate = -surrogateLoss(ratio, batch.advantages).item(); // L = −L^IS
        const old = p.distributionFromParams(batch.oldParams, oldLogStd);
        const kl = mean(p.kl(old, pi)).item();
        return [surrogate, kl] as [number, number];
      })
    );
  }

  /** Natural-gradient step with line search, then value regression. */
  protected update(): UpdateStats {
    const c = this.config;
    const p = this.policy;
    const b = this.buffer;
    const batch = this.gather(this.batchIndices(), 0, b.size, c.normalizeAdvantages);
    const actorParams = p.actorParameters();
    const oldLogStd = p.frozenLogStd();
    // 2. g = ∇θ L(θ_old) of the surrogate L(θ) = E[r(θ) Â]: back-propagate L^IS = −L, negate
    const entropy = this.#pool.run(() => {
      const pi = p.distribution(batch.obs);
      const ratio = probabilityRatio(p.logProb(pi, batch.actions), batch.oldLogProbs);
      const lossIS = surrogateLoss(ratio, batch.advantages);
      const entropy = mean(pi.entropy()).item();
      zeroGrad(actorParams);
      backward(lossIS);
      this.checkedGradScale("TRPO surrogate", -lossIS.item(), actorParams); // NaN/∞ check only
      return entropy;
    });
    const g = Float64Array.from(getFlatGrad(actorParams), (dLoss) => -dLoss);
    zeroGrad(actorParams);
    // 3. x ≈ (F + damping I)⁻¹ g by conjugate gradient on exact Fisher-vector products
    const F = new FisherOperator(p.fisherPolicy(), b.obs, b.size);
    const x = conjugateGradient((v) => F.apply(v, c.damping), g, c.cgIters);
    // 4. Δ = √(2δ / xᵀFx) x
    const xFx = dotProduct(x, F.apply(x, c.damping));
    const scale = xFx > 0 ? Math.sqrt((2 * c.maxKl) / xFx) : 0;
    // 5. backtracking line search
    const theta0 = Float64Array.from(getFlatParams(actorParams));
    const [L0] = this.#surrogateAndKl(batch, oldLogStd);
    const theta = new Float64Array(theta0.length);
    let accepted = -1, kl = 0, Lnew = L0;
    for (let k = 0; k < c.backtrackIters && scale > 0; k++) {
      const frac = c.backtrackCoef ** k;
      for (let i = 0; i < theta.length; i++) theta[i] = theta0[i] + frac * scale * x[i];
      setFlatParams(actorParams, theta);
      [Lnew, kl] = this.#surrogateAndKl(batch, oldLogStd);
      if (Number.isFinite(Lnew) && kl <= c.maxKl && Lnew > L0) {
        accepted = k;
        break;
      }
    }
    if (accepted < 0) {
      setFlatParams(actorParams, theta0);
      kl = 0;
      Lnew = L0;
    }
    // 6. value function: vfIters epochs of Adam over vfMinibatches minibatches
    const indices = this.batchIndices();
    const mbSize = Math.max(1, Math.floor(b.size / c.vfMinibatches));
    let valueLoss = 0;
    for (let it = 0; it < c.vfIters; it++) {
      if (c.vfMinibatches > 1) this.rng.shuffle(indices);
      for (let start = 0; start + mbSize <= b.size; start += mbSize) {
        const mb = c.vfMinibatches > 1 ? this.gather(indices, start, mbSize, false) : batch;
        valueLoss = this.#pool.run(() => {
          const vLoss = meanSquaredError(p.value(mb.obs), mb.returns);
          this.descend(this.optimizers.vf, "TRPO value loss", vLoss);
          return vLoss.item();
        });
      }
    }
    return {
      policyLoss: -Lnew,
      valueLoss,
      entropy,
      approxKl: kl,
      explainedVariance: explainedVariance(b.values, b.returns),
      learningRate: 0,
      extra: { lineSearchStep: accepted, stepScale: scale, improvement: Lnew - L0 },
    };
  }
}
