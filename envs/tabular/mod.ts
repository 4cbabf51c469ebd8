/**
 * Finite MDPs from tables, usable as ordinary environments, with exact solvers for
 * checking the mathematics of policy gradients:
 *
 * - {@link createMdp}, {@link TabularEnv} (one-hot observations, discrete actions), the
 *   catalogue {@link shortCorridor}, {@link gridWorld4x3}, {@link twoStepTree},
 *   {@link randomMdp};
 * - {@link evaluatePolicy}: V^π = (I − γP^π)⁻¹ r^π, Q^π, A^π by {@link solveLinear};
 * - {@link discountedStateDistribution}: d^π(s) = (1−γ) Σ_t γ^t P(s_t = s);
 * - {@link exactValue} and {@link policyGradient}: V(θ) and ∇V(θ) of the softmax-tabular
 *   policy π(a|s) = softmax(θ[s,:]) by the policy-gradient theorem;
 * - {@link performanceDifference}, {@link surrogateAdvantage}, {@link meanKl},
 *   {@link softmaxFisher}: the performance difference lemma and TRPO's surrogate;
 * - {@link enumerateTrajectories}: exact trajectory sums for short-horizon MDPs;
 * - {@link TABULAR_ENV_SPECS}: registry entries (`tabular/GridWorld4x3-v0`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactValue, finiteDifferenceGradient, policyGradient, randomMdp } from "./mod.ts";
 * const mdp = randomMdp({ seed: 1, numStates: 3, numActions: 2 });
 * const theta = new Float64Array(mdp.numStates * mdp.numActions);
 * const g = policyGradient(mdp, theta, 0.9);
 * const fd = finiteDifferenceGradient((t) => exactValue(mdp, t, 0.9), theta);
 * assert.ok(g.every((x, i) => Math.abs(x - fd[i]) < 1e-8));
 * ```
 * @module
 */
export { solveLinear } from "./linear.ts";
export { createMdp, expectedRewards, stateLabel } from "./mdp.ts";
export type { TabularMdp, TabularMdpSpec } from "./mdp.ts";
export { assertPolicy, randomTheta, softmaxPolicy } from "./policy.ts";
export { assertDiscount, evaluatePolicy, policyChain, startValue } from "./evaluation.ts";
export type { PolicyValues } from "./evaluation.ts";
export { discountedStateDistribution, discountedVisits, expectedVisits } from "./distribution.ts";
export {
  exactValue,
  finiteDifferenceGradient,
  finiteDifferenceHessian,
  policyGradient,
  stateWeightedGradient,
} from "./gradient.ts";
export { meanKl, performanceDifference, softmaxFisher, surrogateAdvantage } from "./trpo.ts";
export type { PerformanceDifference } from "./trpo.ts";
export { enumerateTrajectories, trajectoryLogProb } from "./trajectories.ts";
export type { Trajectory } from "./trajectories.ts";
export { oneHot, stateOf, TabularEnv } from "./env.ts";
export { gridWorld4x3, randomMdp, shortCorridor, twoStepTree } from "./catalog.ts";
export type { RandomMdpOptions } from "./catalog.ts";
export { TABULAR_ENV_SPECS } from "./specs.ts";
export type { TabularEnvSpec } from "./specs.ts";
