/**
 * Exact value and exact policy gradient of a softmax-tabular policy.
 *
 * The objective is the expected discounted return from the start distribution,
 *
 *     V(θ) = E_{s₀∼μ} V^{π_θ}(s₀) = Σ_s μ(s) V^{π_θ}(s).
 *
 * **Policy-gradient theorem** (Sutton et al., 2000), with ρ^π the discounted visits and
 * d^π = (1−γ) ρ^π the discounted state distribution:
 *
 *     ∇_θ V(θ) = Σ_s ρ^π(s) Σ_a Q^π(s,a) ∇_θ π_θ(a|s)
 *              = 1/(1−γ) · E_{s∼d^π} E_{a∼π}[ Q^π(s,a) ∇_θ log π_θ(a|s) ].
 *
 * For the softmax-tabular policy `∂π(a|s)/∂θ[s,b] = π(a|s)(1[a=b] − π(b|s))`, so the
 * component for (s, b) is `ρ^π(s) Σ_a Q^π(s,a) π(a|s)(1[a=b] − π(b|s)) = ρ^π(s) π(b|s) A^π(s,b)`.
 * This file evaluates the first (general) sum; the tests compare it with central finite
 * differences of V(θ).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactValue, policyGradient } from "./gradient.ts";
 * import { shortCorridor } from "./catalog.ts";
 * const mdp = shortCorridor();
 * const theta = new Float64Array(mdp.numStates * mdp.numActions);
 * const g = policyGradient(mdp, theta, 0.9);
 * assert.equal(g.length, theta.length);
 * assert.ok(Number.isFinite(exactValue(mdp, theta, 0.9)));
 * ```
 * @module
 */
import { discountedVisits } from "./distribution.ts";
import { evaluatePolicy, startValue } from "./evaluation.ts";
import type { TabularMdp } from "./mdp.ts";
import { softmaxPolicy } from "./policy.ts";

/** `V(θ) = Σ_s μ(s) V^{π_θ}(s)` for the softmax-tabular policy with logits θ (length S·A). */
export function exactValue(mdp: TabularMdp, theta: ArrayLike<number>, gamma: number): number {
  const pi = softmaxPolicy(theta, mdp.numStates, mdp.numActions);
  return startValue(mdp, evaluatePolicy(mdp, pi, gamma).v);
}

/**
 * `∇_θ V(θ)` by the policy-gradient theorem, `Σ_s ρ^π(s) Σ_a Q^π(s,a) ∂π(a|s)/∂θ`, for the
 * softmax-tabular policy with logits θ; length S·A, component `s·A + b` is ∂V/∂θ[s,b].
 */
export function policyGradient(
  mdp: TabularMdp,
  theta: ArrayLike<number>,
  gamma: number,
): Float64Array {
  const pi = softmaxPolicy(theta, mdp.numStates, mdp.numActions);
  return stateWeightedGradient(mdp, theta, gamma, discountedVisits(mdp, pi, gamma));
}

/**
 * `Σ_s w(s) Σ_a Q^π(s,a) ∂π(a|s)/∂θ` for the softmax-tabular policy with logits θ and any
 * state weights w (length S). With w = ρ^π (discounted visits) it is the policy gradient;
 * with the undiscounted visits η^π it is the expectation of REINFORCE *without* the γ^t
 * factor, `E[Σ_t ∇log π(a_t|s_t) G_t]`, which is not ∇V.
 */
export function stateWeightedGradient(
  mdp: TabularMdp,
  theta: ArrayLike<number>,
  gamma: number,
  weights: ArrayLike<number>,
): Float64Array {
  const { numStates: S, numActions: A } = mdp;
  if (weights.length !== S) {
    throw new RangeError(
      `stateWeightedGradient(${mdp.name}): weights has length ${weights.length}, expected ${S}`,
    );
  }
  const pi = softmaxPolicy(theta, S, A);
  const { q } = evaluatePolicy(mdp, pi, gamma);
  const grad = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    for (let b = 0; b < A; b++) {
      const pb = pi[s * A + b];
      let sum = 0;
      for (let a = 0; a < A; a++) {
        const dpi = pi[s * A + a] * ((a === b ? 1 : 0) - pb); // ∂π(a|s)/∂θ[s,b]
        sum += q[s * A + a] * dpi;
      }
      grad[s * A + b] = weights[s] * sum;
    }
  }
  return grad;
}

/**
 * Central finite differences `(f(θ + h e_i) − f(θ − h e_i)) / 2h` of a scalar function of a
 * parameter vector (truncation error O(h²)); `theta` is not modified.
 */
export function finiteDifferenceGradient(
  f: (theta: Float64Array) => number,
  theta: ArrayLike<number>,
  h = 1e-5,
): Float64Array {
  const x = Float64Array.from(theta);
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    x[i] = xi + h;
    const plus = f(x);
    x[i] = xi - h;
    const minus = f(x);
    x[i] = xi;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/**
 * Central finite-difference Hessian of a scalar function (symmetric, n × n row-major):
 * `H_ij ≈ [f(θ+h eᵢ+h eⱼ) − f(θ+h eᵢ−h eⱼ) − f(θ−h eᵢ+h eⱼ) + f(θ−h eᵢ−h eⱼ)] / 4h²`.
 */
export function finiteDifferenceHessian(
  f: (theta: Float64Array) => number,
  theta: ArrayLike<number>,
  h = 1e-4,
): Float64Array {
  const x = Float64Array.from(theta);
  const n = x.length;
  const hess = new Float64Array(n * n);
  const at = (i: number, di: number, j: number, dj: number): number => {
    const xi = x[i];
    const xj = x[j];
    x[i] += di;
    x[j] += dj;
    const v = f(x);
    x[i] = xi;
    x[j] = xj;
    return v;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) /
        (4 * h * h);
      hess[i * n + j] = v;
      hess[j * n + i] = v;
    }
  }
  return hess;
}
