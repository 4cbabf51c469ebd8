/**
 * The discounted state distribution of a policy.
 *
 *     ρ^π(s) = Σ_{t≥0} γ^t P(s_t = s | s_0 ∼ μ, π)        (discounted visits; Σ_s ρ = 1/(1−γ))
 *     d^π(s) = (1 − γ) ρ^π(s)                           (normalised: Σ_s d^π(s) = 1)
 *
 * In matrix form `ρᵀ = μᵀ Σ_t (γ P^π)^t = μᵀ (I − γ P^π)⁻¹`, so ρ solves the transposed
 * system `(I − γ P^π)ᵀ ρ = μ`. Terminal states are absorbing, so d^π keeps mass on them
 * after episodes end; every Q, A and score term vanishes there, so that mass contributes
 * nothing to the policy-gradient theorem or the performance difference lemma.
 *
 * The *undiscounted* expected visits before termination, `η^π(s) = Σ_t P(s_t = s, s_t not
 * terminal)`, solve `(I − P^π_NN)ᵀ η_N = μ_N` over the non-terminal states N; they are finite
 * when every episode of π ends (and the solve reports a singular matrix otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { discountedStateDistribution } from "./distribution.ts";
 * import { shortCorridor } from "./catalog.ts";
 * const mdp = shortCorridor();
 * const pi = new Float64Array(mdp.numStates * mdp.numActions).fill(0.5);
 * const d = discountedStateDistribution(mdp, pi, 0.9);
 * assert.ok(Math.abs(d.reduce((a, b) => a + b, 0) - 1) < 1e-12);
 * ```
 * @module
 */
import { assertDiscount, policyChain } from "./evaluation.ts";
import { solveLinear } from "./linear.ts";
import type { TabularMdp } from "./mdp.ts";

/**
 * Discounted visits `ρ^π(s) = Σ_t γ^t P(s_t = s)`, unnormalised (they sum to 1/(1−γ)).
 *
 * @param mdp the MDP
 * @param pi the policy table, length S·A
 * @param gamma γ ∈ [0, 1)
 * @param start the start distribution (default the MDP's μ)
 */
export function discountedVisits(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  gamma: number,
  start: ArrayLike<number> = mdp.initial,
): Float64Array {
  const where = `discountedVisits(${mdp.name})`;
  assertDiscount(gamma, where);
  const S = mdp.numStates;
  if (start.length !== S) {
    throw new RangeError(`${where}: start has length ${start.length}, expected ${S}`);
  }
  const { p } = policyChain(mdp, pi);
  // Transposed system: m[t][s] = δ_ts − γ P^π(t|s), i.e. (I − γ P^π)ᵀ.
  const m = new Float64Array(S * S);
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < S; t++) m[t * S + s] = -gamma * p[s * S + t];
  }
  for (let s = 0; s < S; s++) m[s * S + s] += 1;
  return solveLinear(m, start, S, where);
}

/**
 * The normalised discounted state distribution `d^π(s) = (1−γ) Σ_t γ^t P(s_t = s)`.
 * Same parameters as {@link discountedVisits}.
 */
export function discountedStateDistribution(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  gamma: number,
  start: ArrayLike<number> = mdp.initial,
): Float64Array {
  const rho = discountedVisits(mdp, pi, gamma, start);
  for (let s = 0; s < rho.length; s++) rho[s] *= 1 - gamma;
  return rho;
}

/**
 * Undiscounted expected visits `η^π(s) = Σ_t P(s_t = s)` of the non-terminal states before
 * the episode ends (0 on terminal states), for episodic MDPs.
 *
 * @throws RangeError when some non-terminal states never reach a terminal state under π
 *   (the visits are infinite and the linear system is singular)
 */
export function expectedVisits(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  start: ArrayLike<number> = mdp.initial,
): Float64Array {
  const where = `expectedVisits(${mdp.name})`;
  const S = mdp.numStates;
  if (start.length !== S) {
    throw new RangeError(`${where}: start has length ${start.length}, expected ${S}`);
  }
  const live: number[] = [];
  for (let s = 0; s < S; s++) if (!mdp.terminal[s]) live.push(s);
  const n = live.length;
  const { p } = policyChain(mdp, pi);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[j * n + i] = (i === j ? 1 : 0) - p[live[i] * S + live[j]];
  }
  const eta = solveLinear(m, live.map((s) => start[s]), n, where);
  const out = new Float64Array(S);
  live.forEach((s, i) => out[s] = eta[i]);
  return out;
}
