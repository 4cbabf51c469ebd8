/**
 * Exact enumeration of the trajectories of a policy, for MDPs whose episodes end within a
 * bounded number of steps (like {@link twoStepTree}).
 *
 * A trajectory `τ = (s₀, a₀, r₀, s₁, …, s_T)` has probability
 *
 *     P_θ(τ) = μ(s₀) Π_t π_θ(a_t|s_t) P(s_{t+1}|s_t, a_t),
 *
 * so `∇_θ log P_θ(τ) = Σ_t ∇_θ log π_θ(a_t|s_t)`: the dynamics do not depend on θ and drop
 * out. Enumerating every τ turns the likelihood-ratio identity
 * `∇V = Σ_τ R(τ) P_θ(τ) ∇ log P_θ(τ)` into a finite sum that can be checked exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enumerateTrajectories } from "./trajectories.ts";
 * import { twoStepTree } from "./catalog.ts";
 * const mdp = twoStepTree();
 * const { trajectories, unfinished } = enumerateTrajectories(mdp, new Float64Array(10).fill(0.5), 2);
 * const total = trajectories.reduce((sum, t) => sum + t.probability, 0);
 * assert.equal(unfinished, 0);
 * assert.ok(Math.abs(total - 1) < 1e-12);
 * ```
 * @module
 */
import type { TabularMdp } from "./mdp.ts";
import { assertPolicy } from "./policy.ts";

/** One complete trajectory and its probability. */
export interface Trajectory {
  /** States s₀ … s_T (s_T terminal), length T + 1. */
  states: number[];
  /** Actions a₀ … a_{T−1}. */
  actions: number[];
  /** Rewards r₀ … r_{T−1}, `r_t = r(s_t, a_t, s_{t+1})`. */
  rewards: number[];
  /** `P_θ(τ)`. */
  probability: number;
}

/**
 * Every trajectory of `pi` that terminates within `maxSteps` steps, with its probability;
 * `unfinished` is the probability of the trajectories still running after `maxSteps`
 * (0 when every episode ends in time). Branches of probability 0 are skipped.
 *
 * @throws RangeError when the enumeration would exceed `limit` trajectories
 */
export function enumerateTrajectories(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  maxSteps: number,
  limit = 100_000,
): { trajectories: Trajectory[]; unfinished: number } {
  const { numStates: S, numActions: A, transitions, rewards, terminal, initial } = mdp;
  assertPolicy(pi, S, A, `enumerateTrajectories(${mdp.name})`);
  const trajectories: Trajectory[] = [];
  let unfinished = 0;
  const states: number[] = [];
  const actions: number[] = [];
  const rs: number[] = [];
  const visit = (s: number, prob: number): void => {
    states.push(s);
    if (terminal[s]) {
      if (trajectories.length >= limit) {
        throw new RangeError(
          `enumerateTrajectories(${mdp.name}): more than ${limit} trajectories`,
        );
      }
      trajectories.push({
        states: [...states],
        actions: [...actions],
        rewards: [...rs],
        probability: prob,
      });
    } else if (actions.length >= maxSteps) {
      unfinished += prob;
    } else {
      for (let a = 0; a < A; a++) {
        const pa = pi[s * A + a];
        if (pa === 0) continue;
        const row = (s * A + a) * S;
        for (let t = 0; t < S; t++) {
          const pt = transitions[row + t];
          if (pt === 0) continue;
          actions.push(a);
          rs.push(rewards[row + t]);
          visit(t, prob * pa * pt);
          actions.pop();
          rs.pop();
        }
      }
    }
    states.pop();
  };
  for (let s = 0; s < S; s++) if (initial[s] > 0) visit(s, initial[s]);
  return { trajectories, unfinished };
}

/**
 * `log P(τ)` of a trajectory under the policy table `pi`, split into the policy part
 * `Σ_t log π(a_t|s_t)` and the part that does not depend on the policy,
 * `log μ(s₀) + Σ_t log P(s_{t+1}|s_t,a_t)`.
 */
export function trajectoryLogProb(
  mdp: TabularMdp,
  pi: ArrayLike<number>,
  trajectory: Pick<Trajectory, "states" | "actions">,
): { policy: number; dynamics: number } {
  const { numStates: S, numActions: A, transitions, initial } = mdp;
  const { states, actions } = trajectory;
  let policy = 0;
  let dynamics = Math.log(initial[states[0]]);
  for (let t = 0; t < actions.length; t++) {
    const sa = states[t] * A + actions[t];
    policy += Math.log(pi[sa]);
    dynamics += Math.log(transitions[sa * S + states[t + 1]]);
  }
  return { policy, dynamics };
}
