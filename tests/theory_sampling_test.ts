/**
 * The toolkit's REINFORCE estimator (nn `Linear` on one-hot states, `Categorical.logProb`,
 * `backward()` of `−Σ_t log π(a_t|s_t) Ψ_t`) against the exact policy gradient of small
 * finite MDPs:
 *
 * - by exact enumeration of every trajectory of a two-step MDP, its expectation equals
 *   ∇V(θ) for Ψ_t = γ^t G_t, γ^t (G_t − V(s_t)) and γ^t·GAE(λ) with exact V (float32
 *   tolerance, no sampling noise);
 * - over many sampled episodes, the mean of each estimate is within k = 4.5 standard errors
 *   of ∇V(θ) in every component (a z-test; the exact gradient is known, so under
 *   unbiasedness |mean − exact| / stderr is approximately |N(0,1)|, and P(|Z| > 4.5) ≈ 7e-6
 *   per component), and ‖mean − exact‖ ≤ 4.5·√(Σ stderr²) (E‖mean − exact‖² = Σ stderr²);
 * - the state-dependent baseline lowers the summed variance; GAE(λ = 1) with exact values
 *   is the baseline estimator; dropping γ^t gives an estimate of a different vector,
 *   `Σ_s η^π(s) Σ_a Q^π(s,a) ∇π(a|s)` with undiscounted visits η^π, detectably not ∇V.
 *
 * Every random draw is seeded.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { returnsToGo } from "../algorithms/advantages.ts";
import {
  enumerateTrajectories,
  evaluatePolicy,
  expectedVisits,
  policyGradient,
  softmaxPolicy,
  stateWeightedGradient,
  TabularEnv,
  twoStepTree,
} from "../envs/tabular/mod.ts";
import {
  type Episode,
  float32Theta,
  reinforceStatistics,
  sampleEpisode,
  TabularSoftmaxPolicy,
  theoryCases,
  VARIANTS,
  weightings,
} from "../examples/theory.ts";

const K = 4.5;
const EPISODES = 10_000;

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

Deno.test("toolkit REINFORCE estimator: exact expectation by enumeration equals ∇V(θ)", () => {
  const mdp = twoStepTree();
  const gamma = 0.9;
  const { numStates: S, numActions: A } = mdp;
  const rng = new Rng(31);
  for (let trial = 0; trial < 3; trial++) {
    const theta = float32Theta(mdp, rng, 1.5);
    const pi = softmaxPolicy(theta, S, A);
    const { v } = evaluatePolicy(mdp, pi, gamma);
    const exact = policyGradient(mdp, theta, gamma);
    const policy = new TabularSoftmaxPolicy(theta, S, A);
    const expectation = VARIANTS.map(() => new Float64Array(S * A));
    const { trajectories, unfinished } = enumerateTrajectories(mdp, pi, 2);
    assert.equal(unfinished, 0);
    for (const tau of trajectories) {
      const episode: Episode = {
        states: tau.states.slice(0, -1),
        actions: tau.actions,
        rewards: tau.rewards,
      };
      const psi = weightings(episode, gamma, v);
      const est = policy.estimates(episode, VARIANTS.map((name) => psi[name]));
      est.forEach((g, j) => g.forEach((x, i) => expectation[j][i] += tau.probability * x));
    }
    // Without γ^t the expectation is Σ_s η(s) Σ_a Q(s,a) ∇π(a|s), η the undiscounted visits.
    const noDiscount = stateWeightedGradient(mdp, theta, gamma, expectedVisits(mdp, pi));
    const scale = maxAbs(exact);
    for (const [j, name] of VARIANTS.entries()) {
      const target = name === "no γ^t" ? noDiscount : exact;
      let err = 0;
      for (let i = 0; i < S * A; i++) err = Math.max(err, Math.abs(expectation[j][i] - target[i]));
      assert.ok(err < 1e-5 * scale, `trial ${trial} ${name}: E[ĝ] − target = ${err}`);
    }
    assert.ok(maxAbs(noDiscount.map((x, i) => x - exact[i])) > 1e-3 * scale, "γ^t matters");
  }
});

Deno.test("GAE(λ=1) with exact V equals G_t − V(s_t) on terminated episodes", () => {
  const { mdp, gamma } = theoryCases()[2];
  const rng = new Rng(32);
  const theta = float32Theta(mdp, rng);
  const { v } = evaluatePolicy(mdp, softmaxPolicy(theta, mdp.numStates, mdp.numActions), gamma);
  const env = new TabularEnv(mdp, { seed: 33 });
  const policy = new TabularSoftmaxPolicy(theta, mdp.numStates, mdp.numActions);
  for (let e = 0; e < 50; e++) {
    const episode = sampleEpisode(env, policy, rng);
    const psi = weightings(episode, gamma, v);
    const g = returnsToGo(episode.rewards, gamma);
    let discount = 1;
    for (let t = 0; t < g.length; t++) {
      const expected = discount * (g[t] - v[episode.states[t]]);
      assert.ok(Math.abs(psi["gae(λ=1)"][t] - expected) < 1e-12);
      assert.ok(Math.abs(psi.baseline[t] - expected) < 1e-12);
      discount *= gamma;
    }
  }
});

Deno.test("sampled REINFORCE means converge to ∇V(θ) within 4.5 standard errors", () => {
  const rng = new Rng(34);
  let biasDetected = 0;
  for (const [index, { mdp, gamma }] of theoryCases().entries()) {
    const theta = float32Theta(mdp, rng);
    const exact = policyGradient(mdp, theta, gamma);
    const stats = reinforceStatistics(mdp, theta, gamma, EPISODES, 3400 + index);
    // Float32 arithmetic in nn adds a bias far below the sampling error; allow for it.
    const slack = 1e-6 * (1 + maxAbs(exact));
    for (const name of ["reinforce", "baseline", "gae(λ=1)", "gae(λ=0)"] as const) {
      const { mean, stderr } = stats[name];
      let err2 = 0;
      let se2 = 0;
      for (let i = 0; i < exact.length; i++) {
        const err = Math.abs(mean[i] - exact[i]);
        assert.ok(
          err <= K * stderr[i] + slack,
          `${mdp.name} ${name} θ[${Math.floor(i / mdp.numActions)},${i % mdp.numActions}]: ` +
            `mean ${mean[i]} vs exact ${exact[i]} (stderr ${stderr[i]})`,
        );
        err2 += err * err;
        se2 += stderr[i] * stderr[i];
      }
      assert.ok(
        Math.sqrt(err2) <= K * Math.sqrt(se2) + slack,
        `${mdp.name} ${name}: ‖mean − exact‖ = ${Math.sqrt(err2)}, √Σse² = ${Math.sqrt(se2)}`,
      );
      assert.ok(se2 > 0, `${mdp.name} ${name}: the estimator has sampling noise`);
    }
    const trace = (name: typeof VARIANTS[number]) =>
      stats[name].variance.reduce((a, b) => a + b, 0);
    assert.ok(
      trace("baseline") < trace("reinforce"),
      `${mdp.name}: baseline variance ${trace("baseline")} vs ${trace("reinforce")}`,
    );
    assert.ok(Math.abs(trace("gae(λ=1)") / trace("baseline") - 1) < 1e-6);
    // Without γ^t the estimator targets Σ_s η(s) Σ_a Q ∇π (η: undiscounted visits), not ∇V:
    // its mean agrees with that vector and, on most MDPs, is clearly away from ∇V.
    const { numStates: S, numActions: A } = mdp;
    const eta = expectedVisits(mdp, softmaxPolicy(theta, S, A));
    const target = stateWeightedGradient(mdp, theta, gamma, eta);
    const { mean, stderr } = stats["no γ^t"];
    let err2 = 0;
    let se2 = 0;
    for (let i = 0; i < exact.length; i++) {
      assert.ok(Math.abs(mean[i] - target[i]) <= K * stderr[i] + slack, `${mdp.name} no γ^t`);
      err2 += (mean[i] - exact[i]) ** 2;
      se2 += stderr[i] ** 2;
    }
    if (Math.sqrt(err2) > 8 * Math.sqrt(se2)) biasDetected++;
  }
  assert.ok(biasDetected >= 2, `dropping γ^t was detected as biased on ${biasDetected} MDPs`);
});
