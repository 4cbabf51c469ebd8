/**
 * Exact checks of the policy-gradient mathematics on small finite MDPs (no sampling):
 * the linear solver, policy evaluation, the discounted state distribution, the
 * policy-gradient theorem against finite differences of V(θ), the likelihood-ratio and
 * reward-to-go identities by exact trajectory enumeration, the performance difference
 * lemma, TRPO's surrogate to first order, and the Fisher matrix as the Hessian of the mean KL.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { contains } from "../envs/spaces.ts";
import { checkEnvSync } from "../envs/checker.ts";
import { VectorEnv } from "../envs/vector.ts";
import { Registry } from "../envs/registry.ts";
import {
  createMdp,
  discountedStateDistribution,
  discountedVisits,
  enumerateTrajectories,
  evaluatePolicy,
  exactValue,
  expectedRewards,
  expectedVisits,
  finiteDifferenceGradient,
  finiteDifferenceHessian,
  gridWorld4x3,
  meanKl,
  performanceDifference,
  policyChain,
  policyGradient,
  randomMdp,
  randomTheta,
  shortCorridor,
  softmaxFisher,
  softmaxPolicy,
  solveLinear,
  startValue,
  surrogateAdvantage,
  TABULAR_ENV_SPECS,
  TabularEnv,
  type TabularMdp,
  trajectoryLogProb,
  twoStepTree,
} from "../envs/tabular/mod.ts";
import { surrogateErrorRatios } from "../examples/theory.ts";

/** The MDPs every check runs on: three hand-made, two seeded random, each with its γ. */
function cases(): { mdp: TabularMdp; gamma: number }[] {
  return [
    { mdp: shortCorridor(), gamma: 0.9 },
    { mdp: gridWorld4x3(), gamma: 0.95 },
    { mdp: twoStepTree(), gamma: 0.9 },
    { mdp: randomMdp({ seed: 1, numStates: 5, numActions: 3 }), gamma: 0.9 },
    { mdp: randomMdp({ seed: 2, numStates: 8, numActions: 4, terminationProb: 0.1 }), gamma: 0.97 },
  ];
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("solveLinear: residual of a random system and singular detection", () => {
  const rng = new Rng(11);
  const n = 12;
  const a = new Float64Array(n * n).map(() => rng.normal());
  const b = new Float64Array(n).map(() => rng.normal());
  const x = solveLinear(a, b, n);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = -b[i];
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    r[i] = s;
  }
  assert.ok(maxAbs(r) < 1e-12, `residual ${maxAbs(r)}`);
  // A zero leading entry needs the row swap of partial pivoting.
  const y = solveLinear([0, 1, 1, 0], [2, 3], 2);
  assert.deepEqual(Array.from(y), [3, 2]);
  assert.throws(() => solveLinear([1, 2, 2, 4], [1, 1], 2), /singular/);
  assert.throws(() => solveLinear([1, 2, 3], [1, 1], 2), /length 3/);
});

Deno.test("createMdp: errors name the MDP, the field and the value", () => {
  const base = {
    name: "bad",
    numStates: 2,
    numActions: 1,
    transitions: [0.5, 0.5, 0, 1],
    rewards: [0, 0],
    initial: [1, 0],
    terminal: [1],
  };
  assert.doesNotThrow(() => createMdp(base));
  assert.throws(
    () => createMdp({ ...base, transitions: [0.5, 0.4, 0, 1] }),
    /createMdp\("bad"\): transitions\[0\]\[0\] sums to 0\.9/,
  );
  assert.throws(() => createMdp({ ...base, transitions: [1.5, -0.5, 0, 1] }), /-0\.5/);
  assert.throws(() => createMdp({ ...base, initial: [0, 1] }), /terminal/);
  assert.throws(() => createMdp({ ...base, rewards: [0, 0, 0] }), /rewards has length 3/);
  assert.throws(() => createMdp({ ...base, terminal: [2] }), /terminal\[0\] = 2/);
});

Deno.test("TabularEnv: one-hot observations, seeded, transition frequencies match P", () => {
  const mdp = randomMdp({ seed: 5, numStates: 3, numActions: 2 });
  const env = new TabularEnv(mdp);
  const first = env.reset({ seed: 9 });
  assert.ok(contains(env.observationSpace, first.observation));
  const again = new TabularEnv(mdp).reset({ seed: 9 });
  assert.deepEqual(again.observation, first.observation);
  // Empirical P(·|s=0, a=1) from n draws: each frequency within 5 standard errors.
  const n = 20000;
  const counts = new Float64Array(mdp.numStates);
  const forced = createMdp({
    name: "from-0",
    numStates: mdp.numStates,
    numActions: mdp.numActions,
    transitions: mdp.transitions,
    rewards: mdp.rewards,
    initial: [1, 0, 0, 0],
    terminal: [3],
  });
  const e = new TabularEnv(forced, { seed: 3 });
  for (let i = 0; i < n; i++) {
    e.reset();
    const step = e.step(1);
    assert.ok(contains(e.observationSpace, step.observation));
    assert.equal(step.terminated, mdp.terminal[step.info.state as number] === 1);
    counts[step.info.state as number]++;
  }
  for (let t = 0; t < mdp.numStates; t++) {
    const p = mdp.transitions[(0 * 2 + 1) * mdp.numStates + t];
    const se = Math.sqrt(p * (1 - p) / n);
    assert.ok(Math.abs(counts[t] / n - p) <= 5 * se + 1e-12, `P(${t}|0,1) = ${p}`);
  }
  assert.throws(() => e.step(7), /TabularEnv\(from-0\)\.step: action must be an integer/);
});

Deno.test("TabularEnv passes checkEnv, and stepInto/resetInto replay step/reset", async () => {
  for (const { mdp } of cases()) checkEnvSync(new TabularEnv(mdp), { id: mdp.name });
  const mdp = gridWorld4x3();
  const slow = new TabularEnv(mdp);
  const fast = new TabularEnv(mdp);
  const rng = new Rng(12);
  const out = new Float32Array(mdp.numStates + 2);
  const term = new Uint8Array(3);
  let obs = slow.reset({ seed: 4 }).observation;
  fast.resetInto(out, 2, 4);
  for (let t = 0; t < 500; t++) {
    assert.deepEqual(Array.from(out.subarray(2)), Array.from(obs));
    const a = rng.integer(mdp.numActions);
    const step = slow.step(a);
    assert.equal(fast.stepInto(a, out, 2, term, 1), step.reward);
    assert.equal(term[1], step.terminated ? 1 : 0);
    obs = step.observation;
    if (step.terminated) {
      obs = slow.reset().observation;
      fast.resetInto(out, 2);
    }
  }
  // The vector environment steps copies with autoreset; observations stay one-hot.
  const vec = new VectorEnv([0, 1, 2].map(() => new TabularEnv(mdp)));
  await vec.reset(5);
  let finished = 0;
  for (let t = 0; t < 300; t++) {
    const r = await vec.step(Int32Array.from([0, 1, 2], () => rng.integer(mdp.numActions)));
    for (let i = 0; i < 3; i++) {
      const row = r.observations.subarray(i * mdp.numStates, (i + 1) * mdp.numStates);
      assert.equal(row.reduce((x, y) => x + y, 0), 1);
    }
    finished += r.finishedEpisodes.length;
  }
  assert.ok(finished > 0, "episodes end and restart");
});

Deno.test("tabular registry entries register, make and step", async () => {
  const registry = new Registry();
  for (const spec of TABULAR_ENV_SPECS) registry.register({ ...spec, source: "test" });
  for (const spec of TABULAR_ENV_SPECS) {
    const env = await registry.make(spec.id, { seed: 3, envOptions: { mdpSeed: 8 } });
    const { observation } = await env.reset({ seed: 1 });
    assert.ok(contains(env.observationSpace, observation), spec.id);
    const step = await env.step(0);
    assert.ok(Number.isFinite(step.reward), spec.id);
  }
  assert.throws(() => TABULAR_ENV_SPECS[3].create({ numStates: 2.5 }), /numStates/);
});

Deno.test("evaluatePolicy: V, Q, A satisfy the Bellman equations and match iteration", () => {
  const rng = new Rng(21);
  for (const { mdp, gamma } of cases()) {
    const { numStates: S, numActions: A } = mdp;
    const pi = softmaxPolicy(randomTheta(S, A, rng), S, A);
    const { v, q, advantage } = evaluatePolicy(mdp, pi, gamma);
    const { p, r } = policyChain(mdp, pi);
    // Independent check: iterate V ← r^π + γ P^π V until it stops changing.
    let it = new Float64Array(S);
    for (let k = 0; k < 5000; k++) {
      const next = new Float64Array(S);
      for (let s = 0; s < S; s++) {
        let x = r[s];
        for (let t = 0; t < S; t++) x += gamma * p[s * S + t] * it[t];
        next[s] = x;
      }
      it = next;
    }
    assert.ok(maxAbsDiff(v, it) < 1e-10, `${mdp.name}: V vs iteration ${maxAbsDiff(v, it)}`);
    for (let s = 0; s < S; s++) {
      let vq = 0;
      let pa = 0;
      for (let a = 0; a < A; a++) {
        vq += pi[s * A + a] * q[s * A + a];
        pa += pi[s * A + a] * advantage[s * A + a];
      }
      assert.ok(Math.abs(vq - v[s]) < 1e-12, `${mdp.name}: V(s) = E_π Q(s,·) at s=${s}`);
      assert.ok(Math.abs(pa) < 1e-12, `${mdp.name}: E_π A(s,·) = 0 at s=${s}`);
      if (mdp.terminal[s]) assert.equal(v[s], 0);
    }
  }
});

Deno.test("discounted state distribution: sums to 1 and equals (1−γ) Σ γ^t μᵀ(P^π)^t", () => {
  const rng = new Rng(22);
  for (const { mdp, gamma } of cases()) {
    const { numStates: S, numActions: A } = mdp;
    const pi = softmaxPolicy(randomTheta(S, A, rng), S, A);
    const d = discountedStateDistribution(mdp, pi, gamma);
    const { p } = policyChain(mdp, pi);
    let dist = Float64Array.from(mdp.initial);
    const series = new Float64Array(S);
    let weight = 1 - gamma;
    for (let t = 0; t < 3000; t++) {
      for (let s = 0; s < S; s++) series[s] += weight * dist[s];
      const next = new Float64Array(S);
      for (let s = 0; s < S; s++) {
        for (let u = 0; u < S; u++) next[u] += dist[s] * p[s * S + u];
      }
      dist = next;
      weight *= gamma;
    }
    assert.ok(Math.abs(d.reduce((x, y) => x + y, 0) - 1) < 1e-12);
    // Undiscounted visits before termination: Σ_t P(s_t = s) over non-terminal states.
    const eta = expectedVisits(mdp, pi);
    const etaSeries = new Float64Array(S);
    let live = Float64Array.from(mdp.initial);
    for (let t = 0; t < 20000; t++) {
      const next = new Float64Array(S);
      for (let s = 0; s < S; s++) {
        if (mdp.terminal[s]) continue;
        etaSeries[s] += live[s];
        for (let u = 0; u < S; u++) next[u] += live[s] * p[s * S + u];
      }
      live = next;
    }
    assert.ok(maxAbsDiff(eta, etaSeries) < 1e-8, `${mdp.name}: η ${maxAbsDiff(eta, etaSeries)}`);
    assert.ok(maxAbsDiff(d, series) < 1e-10, `${mdp.name}: ${maxAbsDiff(d, series)}`);
    // V(μ) = 1/(1−γ) Σ_s d(s) r^π(s): the value is the reward averaged over d^π.
    const { r } = policyChain(mdp, pi);
    const rho = discountedVisits(mdp, pi, gamma);
    let fromD = 0;
    for (let s = 0; s < S; s++) fromD += rho[s] * r[s];
    const v = startValue(mdp, evaluatePolicy(mdp, pi, gamma).v);
    assert.ok(Math.abs(fromD - v) < 1e-10);
  }
});

Deno.test("policy-gradient theorem equals finite differences of exact V(θ)", () => {
  const rng = new Rng(23);
  for (const { mdp, gamma } of cases()) {
    const { numStates: S, numActions: A } = mdp;
    for (let trial = 0; trial < 3; trial++) {
      const theta = randomTheta(S, A, rng, 1.5);
      const g = policyGradient(mdp, theta, gamma);
      const fd = finiteDifferenceGradient((t) => exactValue(mdp, t, gamma), theta, 1e-5);
      const rel = maxAbsDiff(g, fd) / maxAbs(fd);
      assert.ok(rel < 1e-6, `${mdp.name} trial ${trial}: relative error ${rel}`);
      // Softmax closed form: ∂V/∂θ[s,b] = ρ(s) π(b|s) A(s,b).
      const pi = softmaxPolicy(theta, S, A);
      const rho = discountedVisits(mdp, pi, gamma);
      const { advantage } = evaluatePolicy(mdp, pi, gamma);
      const closed = g.map((_, i) => rho[Math.floor(i / A)] * pi[i] * advantage[i]);
      assert.ok(maxAbsDiff(g, closed) < 1e-12 * (1 + maxAbs(g)));
    }
  }
});

Deno.test("likelihood ratio, vanishing dynamics, reward-to-go and baseline by enumeration", () => {
  const mdp = twoStepTree();
  const gamma = 0.9;
  const { numStates: S, numActions: A } = mdp;
  const theta = randomTheta(S, A, new Rng(24), 1);
  const pi = softmaxPolicy(theta, S, A);
  const { v } = evaluatePolicy(mdp, pi, gamma);
  const { trajectories, unfinished } = enumerateTrajectories(mdp, pi, 2);
  assert.equal(unfinished, 0);
  const exact = policyGradient(mdp, theta, gamma);
  const lr = new Float64Array(S * A); // Σ_τ P(τ) R(τ) ∇log P(τ)
  const rtg = new Float64Array(S * A); // Σ_τ P(τ) Σ_t γ^t G_t ∇log π(a_t|s_t)
  const base = new Float64Array(S * A); // Σ_τ P(τ) Σ_t γ^t V(s_t) ∇log π(a_t|s_t)
  let value = 0;
  for (const tau of trajectories) {
    const T = tau.actions.length;
    const g = new Float64Array(T + 1);
    for (let t = T - 1; t >= 0; t--) g[t] = tau.rewards[t] + gamma * g[t + 1];
    value += tau.probability * g[0];
    // Score of the whole trajectory: finite differences of log P_θ(τ) *including* the
    // dynamics terms, which do not depend on θ and so drop out of the derivative.
    const logP = (t: Float64Array) => {
      const parts = trajectoryLogProb(mdp, softmaxPolicy(t, S, A), tau);
      return parts.policy + parts.dynamics;
    };
    const score = finiteDifferenceGradient(logP, theta, 1e-6);
    const analytic = new Float64Array(S * A);
    for (let t = 0; t < T; t++) {
      const s = tau.states[t];
      for (let b = 0; b < A; b++) {
        const sb = s * A + b;
        const d = (b === tau.actions[t] ? 1 : 0) - pi[sb]; // ∂ log π(a_t|s)/∂θ[s,b]
        analytic[sb] += d;
        rtg[sb] += tau.probability * Math.pow(gamma, t) * g[t] * d;
        base[sb] += tau.probability * Math.pow(gamma, t) * v[s] * d;
      }
    }
    assert.ok(maxAbsDiff(score, analytic) < 1e-8, "∇log P(τ) = Σ_t ∇log π(a_t|s_t)");
    for (let i = 0; i < S * A; i++) lr[i] += tau.probability * g[0] * score[i];
  }
  assert.ok(Math.abs(value - startValue(mdp, v)) < 1e-12, "Σ_τ P(τ) R(τ) = V(μ)");
  assert.ok(maxAbsDiff(lr, exact) < 1e-8, `likelihood ratio ${maxAbsDiff(lr, exact)}`);
  assert.ok(maxAbsDiff(rtg, exact) < 1e-12, `reward-to-go ${maxAbsDiff(rtg, exact)}`);
  assert.ok(maxAbs(base) < 1e-12, `E[γ^t b(s_t) ∇log π] = ${maxAbs(base)}`);
});

Deno.test("performance difference lemma holds to 1e-10", () => {
  const rng = new Rng(25);
  for (const { mdp, gamma } of cases()) {
    const { numStates: S, numActions: A } = mdp;
    for (let trial = 0; trial < 4; trial++) {
      const pi = softmaxPolicy(randomTheta(S, A, rng, 2), S, A);
      const piNew = softmaxPolicy(randomTheta(S, A, rng, 2), S, A);
      const { lhs, rhs } = performanceDifference(mdp, pi, piNew, gamma);
      assert.ok(Math.abs(lhs - rhs) < 1e-10, `${mdp.name}: ${lhs} vs ${rhs}`);
      assert.ok(Math.abs(lhs) > 1e-6, "the two policies differ in value");
      // The surrogate (state distribution of the *old* policy) does not satisfy it exactly.
      const sur = surrogateAdvantage(mdp, pi, piNew, gamma);
      assert.ok(Math.abs(sur - lhs) > 1e-6, `${mdp.name}: surrogate is only approximate`);
    }
  }
});

Deno.test("TRPO surrogate agrees with V^π' − V^π to first order: error = O(‖Δθ‖²)", () => {
  const rng = new Rng(26);
  for (const { mdp, gamma } of cases()) {
    const { numStates: S, numActions: A } = mdp;
    const theta = randomTheta(S, A, rng);
    const u = randomTheta(S, A, rng);
    const norm = Math.hypot(...u);
    for (let i = 0; i < u.length; i++) u[i] /= norm;
    const rows = surrogateErrorRatios(mdp, theta, u, gamma, [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4]);
    const small = rows.slice(2).map((r) => r.ratio);
    const spread = Math.max(...small) / Math.min(...small);
    assert.ok(spread < 1.2, `${mdp.name}: error/ε² should settle, ratios ${small}`);
    assert.ok(Math.max(...rows.map((r) => r.ratio)) < 100, `${mdp.name}: bounded ratio`);
    const last = rows[rows.length - 1];
    const lastError = Math.abs(last.surrogate - last.change);
    assert.ok(lastError < 1e-2 * Math.abs(last.change), `${mdp.name}: first-order agreement`);
    // Equivalently: ∇_θ' L_π(π_θ') at θ' = θ is the policy gradient.
    const pi = softmaxPolicy(theta, S, A);
    const fd = finiteDifferenceGradient(
      (t) => surrogateAdvantage(mdp, pi, softmaxPolicy(t, S, A), gamma),
      theta,
    );
    const g = policyGradient(mdp, theta, gamma);
    assert.ok(maxAbsDiff(fd, g) < 1e-6 * maxAbs(g), `${mdp.name}: ∇L = ∇V`);
  }
});

Deno.test("Fisher matrix (closed form) equals the finite-difference Hessian of the mean KL", () => {
  const rng = new Rng(27);
  for (const { mdp } of cases().slice(0, 4)) {
    const { numStates: S, numActions: A } = mdp;
    const theta = randomTheta(S, A, rng);
    const pi = softmaxPolicy(theta, S, A);
    const w = new Float64Array(S).map(() => rng.uniform());
    const total = w.reduce((a, b) => a + b, 0);
    for (let s = 0; s < S; s++) w[s] /= total;
    const hess = finiteDifferenceHessian((t) => meanKl(pi, softmaxPolicy(t, S, A), w), theta);
    const fisher = softmaxFisher(pi, w);
    assert.ok(maxAbsDiff(hess, fisher) < 1e-6, `${mdp.name}: ${maxAbsDiff(hess, fisher)}`);
    assert.ok(Math.abs(meanKl(pi, pi, w)) < 1e-15, "KL(π‖π) = 0");
  }
});

Deno.test("expected rewards and errors of the solvers", () => {
  const mdp = shortCorridor();
  assert.ok(expectedRewards(mdp).slice(0, 6).every((r) => r === -1));
  assert.throws(
    () => evaluatePolicy(mdp, new Float64Array(8).fill(0.5), 1),
    /evaluatePolicy\(ShortCorridor\): gamma must be in \[0, 1\), got 1/,
  );
  assert.throws(
    () => evaluatePolicy(mdp, new Float64Array(8).fill(0.4), 0.9),
    /π\(·\|s=0\) sums to 0\.8/,
  );
});
