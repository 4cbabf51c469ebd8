/**
 * Tabular policies: a table `π(a|s)` stored flat at `s·A + a`, and the softmax-tabular
 * parameterisation
 *
 *     π_θ(a|s) = exp θ[s,a] / Σ_b exp θ[s,b]
 *
 * with one free logit per (state, action). Its score function is
 * `∂ log π_θ(a|s) / ∂θ[s',b] = 1[s = s'] (1[a = b] − π_θ(b|s))`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { softmaxPolicy } from "./policy.ts";
 * const pi = softmaxPolicy([0, Math.log(3)], 1, 2);
 * assert.ok(Math.abs(pi[1] - 0.75) < 1e-12);
 * ```
 * @module
 */
import type { Rng } from "../../random.ts";

/**
 * The softmax-tabular policy table `π(a|s) = softmax(θ[s,:])_a` (max-subtracted for
 * stability), length S·A.
 *
 * @throws RangeError when `theta` does not have length S·A or holds a non-finite value
 */
export function softmaxPolicy(
  theta: ArrayLike<number>,
  numStates: number,
  numActions: number,
): Float64Array {
  if (theta.length !== numStates * numActions) {
    throw new RangeError(
      `softmaxPolicy: theta has length ${theta.length}, expected S·A = ${numStates}·${numActions}`,
    );
  }
  const pi = new Float64Array(numStates * numActions);
  for (let s = 0; s < numStates; s++) {
    const o = s * numActions;
    let max = -Infinity;
    for (let a = 0; a < numActions; a++) {
      const v = theta[o + a];
      if (!Number.isFinite(v)) {
        throw new RangeError(`softmaxPolicy: theta[${s}][${a}] = ${v} is not finite`);
      }
      if (v > max) max = v;
    }
    let z = 0;
    for (let a = 0; a < numActions; a++) z += pi[o + a] = Math.exp(theta[o + a] - max);
    for (let a = 0; a < numActions; a++) pi[o + a] /= z;
  }
  return pi;
}

/** Logits drawn i.i.d. from `N(0, scale²)`, length S·A (a random softmax policy). */
export function randomTheta(
  numStates: number,
  numActions: number,
  rng: Rng,
  scale = 1,
): Float64Array {
  const theta = new Float64Array(numStates * numActions);
  for (let i = 0; i < theta.length; i++) theta[i] = scale * rng.normal();
  return theta;
}

/**
 * Checks that `pi` is a policy table for S states and A actions: length S·A, entries in
 * [0, 1], every row summing to 1 within 1e-9.
 *
 * @throws RangeError naming `where`, the state and the offending value
 */
export function assertPolicy(
  pi: ArrayLike<number>,
  numStates: number,
  numActions: number,
  where = "policy",
): void {
  if (pi.length !== numStates * numActions) {
    throw new RangeError(
      `${where}: policy table has length ${pi.length}, expected S·A = ${numStates * numActions}`,
    );
  }
  for (let s = 0; s < numStates; s++) {
    let total = 0;
    for (let a = 0; a < numActions; a++) {
      const p = pi[s * numActions + a];
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(`${where}: π(a=${a}|s=${s}) = ${p} is not a probability`);
      }
      total += p;
    }
    if (Math.abs(total - 1) > 1e-9) {
      throw new RangeError(`${where}: π(·|s=${s}) sums to ${total}, not 1`);
    }
  }
}
