/**
 * The performance difference lemma and TRPO's surrogate, its KL and its Fisher matrix,
 * computed exactly on a tabular MDP.
 *
 * **Performance difference lemma** (Kakade & Langford, 2002), for any two policies:
 *
 *     V^{π'}(μ) − V^{π}(μ) = 1/(1−γ) · E_{s∼d^{π'}} E_{a∼π'(·|s)}[ A^{π}(s,a) ].
 *
 * **TRPO's surrogate** (Schulman et al., 2015) replaces the unknown d^{π'} by d^{π}:
 *
 *     L_π(π') = V^π(μ) + 1/(1−γ) · E_{s∼d^{π}} E_{a∼π'(·|s)}[ A^{π}(s,a) ],
 *
 * which agrees with V^{π'}(μ) to first order in π' − π: same value and same gradient at
 * π' = π, so the error `L_π(π') − V^{π'}(μ)` is O(‖θ' − θ‖²).
 *
 * **Mean KL and Fisher matrix.** For state weights w (a state distribution chosen by the
 * caller, the batch of states in TRPO),
 * `KL̄(θ_old, θ) = Σ_s w(s) KL(π_old(·|s) ‖ π_θ(·|s))`. Its Hessian in θ at θ = θ_old is the
 * Fisher matrix, for the softmax-tabular policy block-diagonal with blocks
 * `F_s = w(s) (diag π(·|s) − π(·|s) π(·|s)ᵀ)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { performanceDifference } from "./trpo.ts";
 * import { shortCorridor } from "./catalog.ts";
 * const mdp = shortCorridor();
 * const a = new Float64Array(8).fill(0.5);
 * const b = new Float64Array([0.2, 0.8, 0.6, 0.4, 0.3, 0.7, 0.5, 0.5]);
 * const { lhs, rhs } = performanceDifference(mdp, a, b, 0.9);
 * assert.ok(Math.abs(lhs - rhs) < 1e-10);
 * ```
 * @module
 */
import { discountedStateDistribution } from "./distribution.ts";
import { evaluatePolicy, startValue } from "./evaluation.ts";
import type { TabularMdp } from "./mdp.ts";
import { assertPolicy } from "./policy.ts";

/** Both sides of the performance difference lemma. */
export interface PerformanceDifference {
  /** `V^{π'}(μ) − V^{π}(μ)`, from two policy evaluations. */
  lhs: number;
  /** `1/(1−γ) Σ_s d^{π'}(s) Σ_a π'(a|s) A^{π}(s,a)`. */
  rhs: number;
}

/** `Σ_s w(s) Σ_a π'(a|s) A(s,a)`. */
function weightedAdvantage(
  w: ArrayLike<number>,
  piNew: ArrayLike<number>,
  advantage: ArrayLike<number>,
  S: number,
  A: number,
): number {
  let total = 0;
  for (let s = 0; s < S; s++) {
    let inner = 0;
    for (let a = 0; a < A; a++) inner += piNew[s * A + a] * advantage[s * A + a];
    total += w[s] * inner;
  }
  return total;
}

/**
 * Both sides of the performance difference lemma for policies `pi` (π) and `piNew` (π').
 */
export function performanceDifference(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  piNew: ArrayLike<number>,
  gamma: number,
): PerformanceDifference {
  const { numStates: S, numActions: A } = mdp;
  const old = evaluatePolicy(mdp, pi, gamma);
  const next = evaluatePolicy(mdp, piNew, gamma);
  const dNew = discountedStateDistribution(mdp, piNew, gamma);
  return {
    lhs: startValue(mdp, next.v) - startValue(mdp, old.v),
    rhs: weightedAdvantage(dNew, piNew, old.advantage, S, A) / (1 - gamma),
  };
}

/**
 * TRPO's surrogate improvement `L_π(π') − V^π(μ) = 1/(1−γ) Σ_s d^π(s) Σ_a π'(a|s) A^π(s,a)`,
 * the first-order model of `V^{π'}(μ) − V^{π}(μ)`.
 */
export function surrogateAdvantage(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  piNew: ArrayLike<number>,
  gamma: number,
): number {
  const { numStates: S, numActions: A } = mdp;
  assertPolicy(piNew, S, A, `surrogateAdvantage(${mdp.name}) piNew`);
  const { advantage } = evaluatePolicy(mdp, pi, gamma);
  const d = discountedStateDistribution(mdp, pi, gamma);
  return weightedAdvantage(d, piNew, advantage, S, A) / (1 - gamma);
}

/**
 * Mean KL `Σ_s w(s) Σ_a π_old(a|s) log(π_old(a|s) / π_new(a|s))` of two policy tables
 * (length S·A) under state weights w (length S).
 */
export function meanKl(
  piOld: ArrayLike<number>,
  piNew: ArrayLike<number>,
  weights: ArrayLike<number>,
): number {
  const S = weights.length;
  const A = piOld.length / S;
  if (!Number.isInteger(A) || piNew.length !== piOld.length) {
    throw new RangeError(
      `meanKl: policy tables of lengths ${piOld.length} and ${piNew.length} do not match ` +
        `${S} state weights`,
    );
  }
  let total = 0;
  for (let s = 0; s < S; s++) {
    if (weights[s] === 0) continue;
    let kl = 0;
    for (let a = 0; a < A; a++) {
      const p = piOld[s * A + a];
      if (p > 0) kl += p * Math.log(p / piNew[s * A + a]);
    }
    total += weights[s] * kl;
  }
  return total;
}

/**
 * The exact Fisher matrix of the softmax-tabular policy with logits θ under state weights
 * w: block-diagonal, block s = `w(s) (diag π(·|s) − π(·|s) π(·|s)ᵀ)`; (S·A) × (S·A),
 * row-major.
 */
export function softmaxFisher(pi: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const S = weights.length;
  const A = pi.length / S;
  if (!Number.isInteger(A)) {
    throw new RangeError(`softmaxFisher: policy length ${pi.length} is not a multiple of ${S}`);
  }
  const n = S * A;
  const f = new Float64Array(n * n);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      for (let b = 0; b < A; b++) {
        const pa = pi[s * A + a];
        const pb = pi[s * A + b];
        f[(s * A + a) * n + s * A + b] = weights[s] * ((a === b ? pa : 0) - pa * pb);
      }
    }
  }
  return f;
}
