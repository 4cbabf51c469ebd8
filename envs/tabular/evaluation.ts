/**
 * Exact policy evaluation on a tabular MDP, by one linear solve.
 *
 *     P^π(s'|s) = Σ_a π(a|s) P(s'|s,a),      r^π(s) = Σ_a π(a|s) r̄(s,a)
 *     V^π = (I − γ P^π)⁻¹ r^π                 (Bellman: V = r^π + γ P^π V)
 *     Q^π(s,a) = r̄(s,a) + γ Σ_{s'} P(s'|s,a) V^π(s')
 *     A^π(s,a) = Q^π(s,a) − V^π(s)
 *
 * Terminal states are absorbing with zero reward (see `mdp.ts`), so V, Q and A vanish
 * there. γ must lie in [0, 1), which makes `I − γ P^π` strictly diagonally dominant and
 * hence invertible for every policy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluatePolicy } from "./evaluation.ts";
 * import { shortCorridor } from "./catalog.ts";
 * const mdp = shortCorridor();
 * const uniform = new Float64Array(mdp.numStates * mdp.numActions).fill(0.5);
 * const { v } = evaluatePolicy(mdp, uniform, 0.9);
 * assert.ok(v[0] < 0);
 * assert.equal(v[3], 0);
 * ```
 * @module
 */
import { solveLinear } from "./linear.ts";
import { expectedRewards, type TabularMdp } from "./mdp.ts";
import { assertPolicy } from "./policy.ts";

/** V^π, Q^π and A^π of one policy. */
export interface PolicyValues {
  /** State values V^π(s), length S. */
  v: Float64Array;
  /** Action values Q^π(s,a), length S·A (index `s·A + a`). */
  q: Float64Array;
  /** Advantages A^π(s,a) = Q^π(s,a) − V^π(s), length S·A. */
  advantage: Float64Array;
}

/** Throws unless γ ∈ [0, 1). */
export function assertDiscount(gamma: number, where: string): void {
  if (!(gamma >= 0 && gamma < 1)) {
    throw new RangeError(`${where}: gamma must be in [0, 1), got ${gamma}`);
  }
}

/**
 * The Markov chain of the policy: `P^π` (S × S, row-major) and `r^π` (length S).
 * @throws RangeError when `pi` is not a policy table of the MDP
 */
export function policyChain(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
): { p: Float64Array; r: Float64Array } {
  const { numStates: S, numActions: A, transitions } = mdp;
  assertPolicy(pi, S, A, `policyChain(${mdp.name})`);
  const rBar = expectedRewards(mdp);
  const p = new Float64Array(S * S);
  const r = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const w = pi[s * A + a];
      if (w === 0) continue;
      r[s] += w * rBar[s * A + a];
      const row = (s * A + a) * S;
      for (let t = 0; t < S; t++) p[s * S + t] += w * transitions[row + t];
    }
  }
  return { p, r };
}

/**
 * Exact V^π, Q^π and A^π by solving `(I − γ P^π) V = r^π` (Gaussian elimination with
 * partial pivoting, float64).
 *
 * @param mdp the MDP
 * @param pi the policy table π(a|s), length S·A
 * @param gamma the discount γ ∈ [0, 1)
 */
export function evaluatePolicy(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  gamma: number,
): PolicyValues {
  const where = `evaluatePolicy(${mdp.name})`;
  assertDiscount(gamma, where);
  const { numStates: S, numActions: A, transitions } = mdp;
  const { p, r } = policyChain(mdp, pi);
  const m = new Float64Array(S * S);
  for (let i = 0; i < S * S; i++) m[i] = -gamma * p[i];
  for (let s = 0; s < S; s++) m[s * S + s] += 1;
  const v = solveLinear(m, r, S, where);
  // The terminal rows read (1 − γ) V(s) = 0; remove the rounding left by elimination.
  for (let s = 0; s < S; s++) if (mdp.terminal[s]) v[s] = 0;
  const rBar = expectedRewards(mdp);
  const q = new Float64Array(S * A);
  const advantage = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const sa = s * A + a;
      let next = 0;
      for (let t = 0; t < S; t++) next += transitions[sa * S + t] * v[t];
      q[sa] = rBar[sa] + gamma * next;
      advantage[sa] = q[sa] - v[s];
    }
  }
  return { v, q, advantage };
}

/**
 * The start value `Σ_s μ(s) V(s)` (μ defaults to the MDP's start distribution).
 */
export function startValue(
  mdp: TabularMdp,
  v: ArrayLike<number>,
  start: ArrayLike<number> = mdp.initial,
): number {
  if (start.length !== mdp.numStates || v.length !== mdp.numStates) {
    throw new RangeError(
      `startValue(${mdp.name}): v and start need length S = ${mdp.numStates}, got ` +
        `${v.length} and ${start.length}`,
    );
  }
  let total = 0;
  for (let s = 0; s < mdp.numStates; s++) total += start[s] * v[s];
  return total;
}
