/**
 * Watch theory and sampling agree: exact policy gradients on small finite MDPs.
 *
 * Run: `deno run examples/theory.ts` (add `--episodes 20000` for tighter error bars).
 *
 * For each MDP and a random softmax-tabular policy π(a|s) = softmax(θ[s,:]) it prints:
 *
 * 1. the exact gradient ∇V(θ) from the **policy-gradient theorem**
 *    `∇V = Σ_s ρ^π(s) Σ_a Q^π(s,a) ∇π(a|s)` (ρ^π the discounted visits, from a linear
 *    solve), next to **central finite differences** of the exact V(θ);
 * 2. the mean ± standard error of the **REINFORCE** estimate over sampled episodes,
 *    computed with the toolkit's own pieces: a `Linear` layer on one-hot states gives the
 *    logits θ[s,:] (its bias stays 0 and is ignored, so the layer is the tabular policy),
 *    `Categorical.logProb` gives log π(a_t|s_t), and `backward()` of the loss
 *    `−Σ_t log π(a_t|s_t) Ψ_t` gives the estimate ĝ = Σ_t ∇log π(a_t|s_t) Ψ_t, with
 *    - Ψ_t = γ^t G_t                       (reward-to-go),
 *    - Ψ_t = γ^t (G_t − V^π(s_t))          (state-dependent baseline, exact V^π),
 *    - Ψ_t = γ^t Â_t, Â = GAE(λ = 1)        (with exact V^π: equals G_t − V^π(s_t)),
 *    - Ψ_t = γ^t δ_t, GAE(λ = 0)            (TD error; unbiased here only because V is exact),
 *    - Ψ_t = G_t                            (no γ^t: the usual deep-RL weighting, biased);
 * 3. the variance of each estimator (trace of its covariance) relative to plain REINFORCE;
 * 4. both sides of the **performance difference lemma**;
 * 5. the error of **TRPO's surrogate** L_π(π') as a model of V^{π'} − V^π, divided by
 *    ‖Δθ‖², which settles to a constant: the surrogate is exact to first order.
 *
 * **Why γ^t?** The objective is V(s₀) = E[Σ_t γ^t r_t]. Differentiating it gives
 * `∇V(s₀) = E[Σ_t γ^t ∇log π(a_t|s_t) G_t]`: a decision at time t only affects rewards
 * that are already discounted by γ^t. Dropping γ^t (as most deep-RL code does) estimates
 * `Σ_s η^π(s) Σ_a Q^π(s,a) ∇π(a|s)` with the *undiscounted* expected visits η^π in place of
 * ρ^π: a different vector, which Nota & Thomas (2020) show is not the gradient of any
 * objective. Deep-RL code accepts that bias in practice; the "no γ^t" column shows it.
 *
 * The estimator functions are exported for `tests/theory_sampling_test.ts`.
 * @module
 */
import { intFlag, parseCommandLine, runMain } from "../cli/args.ts";
import { Rng } from "../random.ts";
import { gae, returnsToGo } from "../algorithms/advantages.ts";
import {
  discountedVisits,
  evaluatePolicy,
  exactValue,
  expectedVisits,
  finiteDifferenceGradient,
  gridWorld4x3,
  oneHot,
  performanceDifference,
  policyGradient,
  randomMdp,
  randomTheta,
  shortCorridor,
  softmaxPolicy,
  stateLabel,
  stateWeightedGradient,
  surrogateAdvantage,
  TabularEnv,
  type TabularMdp,
  twoStepTree,
} from "../envs/tabular/mod.ts";
import {
  backward,
  Categorical,
  Linear,
  mul,
  neg,
  noGrad,
  sum,
  tensor,
  zeroGrad,
} from "../nn/mod.ts";

/** One sampled episode (ended by termination). */
export interface Episode {
  /** States s₀ … s_{T−1} in which actions were taken. */
  states: number[];
  /** Actions a₀ … a_{T−1}. */
  actions: number[];
  /** Rewards r₀ … r_{T−1}. */
  rewards: number[];
}

/**
 * The softmax-tabular policy built from the toolkit's `nn` pieces: `Linear(S → A)` on
 * one-hot inputs, weights `W[a,s] = θ[s,a]`, bias 0 (never read back), so
 * `logits(e_s) = W e_s = θ[s,:]`.
 */
export class TabularSoftmaxPolicy {
  /** The layer; `weight` holds θ transposed. */
  readonly layer: Linear;
  /** Number of states. */
  readonly numStates: number;
  /** Number of actions. */
  readonly numActions: number;

  /** Builds the layer and copies θ (length S·A, index `s·A + a`) into it. */
  constructor(theta: ArrayLike<number>, numStates: number, numActions: number) {
    this.numStates = numStates;
    this.numActions = numActions;
    this.layer = new Linear(numStates, numActions, { rng: new Rng(0), name: "tabular" });
    const w = this.layer.weight.data;
    for (let s = 0; s < numStates; s++) {
      for (let a = 0; a < numActions; a++) w[a * numStates + s] = theta[s * numActions + a];
    }
    this.layer.bias.data.fill(0);
  }

  /** Samples an action for a one-hot observation (no tape). */
  act(observation: ArrayLike<number>, rng: Rng): number {
    return noGrad(() => {
      const logits = this.layer.forward(tensor(observation, 1, this.numStates));
      return new Categorical(logits).sample(rng)[0];
    });
  }

  /**
   * REINFORCE-style estimates `ĝ = Σ_t ∇_θ log π(a_t|s_t) Ψ_t`, one per weighting Ψ in
   * `weightings`, each by `backward()` of the loss `−Σ_t log π(a_t|s_t) Ψ_t` (so ĝ is minus
   * the loss gradient). Returned in θ layout (index `s·A + a`), as float64.
   */
  estimates(episode: Episode, weightings: ArrayLike<number>[]): Float64Array[] {
    const S = this.numStates;
    const A = this.numActions;
    const T = episode.actions.length;
    const x = tensor(new Float32Array(T * S), T, S);
    for (let t = 0; t < T; t++) x.data[t * S + episode.states[t]] = 1;
    const logp = new Categorical(this.layer.forward(x)).logProb(episode.actions); // T×1
    const params = this.layer.parameters();
    return weightings.map((psi) => {
      const loss = neg(sum(mul(logp, tensor(psi, T, 1))));
      zeroGrad(params);
      backward(loss);
      const g = this.layer.weight.grad;
      const out = new Float64Array(S * A);
      for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) out[s * A + a] = -g[a * S + s];
      return out;
    });
  }
}

/** Runs one episode of `policy` on `env` until termination (at most `maxSteps` steps). */
export function sampleEpisode(
  env: TabularEnv,
  policy: TabularSoftmaxPolicy,
  rng: Rng,
  maxSteps = 10_000,
): Episode {
  const episode: Episode = { states: [], actions: [], rewards: [] };
  let { info } = env.reset();
  for (let t = 0; t < maxSteps; t++) {
    const s = info.state as number;
    const a = policy.act(oneHot(s, env.mdp.numStates), rng);
    const step = env.step(a);
    episode.states.push(s);
    episode.actions.push(a);
    episode.rewards.push(step.reward);
    if (step.terminated) return episode;
    info = step.info;
  }
  throw new Error(`sampleEpisode(${env.mdp.name}): no termination within ${maxSteps} steps`);
}

/** The estimator variants, in the order {@link reinforceStatistics} reports them. */
export const VARIANTS = ["reinforce", "baseline", "gae(λ=1)", "gae(λ=0)", "no γ^t"] as const;

/** Name of one estimator variant. */
export type Variant = typeof VARIANTS[number];

/** Weightings Ψ_t of the five variants for one episode (see the module documentation). */
export function weightings(
  episode: Episode,
  gamma: number,
  values: ArrayLike<number>,
): Record<Variant, Float64Array> {
  const T = episode.rewards.length;
  const g = returnsToGo(episode.rewards, gamma); // episode ended by termination: G_T = 0
  const v = Float64Array.from(episode.states, (s) => values[s]);
  const terminated = new Float64Array(T);
  terminated[T - 1] = 1;
  const run = (lambda: number) =>
    gae({
      numSteps: T,
      numEnvs: 1,
      rewards: episode.rewards,
      values: v,
      terminated,
      truncated: new Float64Array(T),
      finalValues: new Float64Array(T),
      lastValues: [0],
      gamma,
      lambda,
    }).advantages;
  const gae1 = run(1);
  const gae0 = run(0);
  const out = {
    reinforce: new Float64Array(T),
    baseline: new Float64Array(T),
    "gae(λ=1)": new Float64Array(T),
    "gae(λ=0)": new Float64Array(T),
    "no γ^t": new Float64Array(T),
  };
  let discount = 1; // γ^t: the estimator of ∇V(s₀) weights step t by γ^t
  for (let t = 0; t < T; t++) {
    out.reinforce[t] = discount * g[t];
    out.baseline[t] = discount * (g[t] - v[t]);
    out["gae(λ=1)"][t] = discount * gae1[t];
    out["gae(λ=0)"][t] = discount * gae0[t];
    out["no γ^t"][t] = g[t]; // the common deep-RL weighting: biased for ∇V(s₀)
    discount *= gamma;
  }
  return out;
}

/** Sample mean, per-component variance and standard error of one estimator. */
export interface EstimatorStatistics {
  /** Number of episodes n. */
  n: number;
  /** Mean estimate, length S·A. */
  mean: Float64Array;
  /** Sample variance of each component (divisor n − 1). */
  variance: Float64Array;
  /** Standard error of the mean, √(variance / n). */
  stderr: Float64Array;
}

/**
 * Samples `episodes` episodes of the softmax-tabular policy θ on `mdp` (seeded) and
 * returns the statistics of the five estimators, all computed on the same episodes.
 */
export function reinforceStatistics(
  mdp: TabularMdp,
  theta: ArrayLike<number>,
  gamma: number,
  episodes: number,
  seed: number,
): Record<Variant, EstimatorStatistics> {
  const { numStates: S, numActions: A } = mdp;
  const policy = new TabularSoftmaxPolicy(theta, S, A);
  const { v } = evaluatePolicy(mdp, softmaxPolicy(theta, S, A), gamma);
  const env = new TabularEnv(mdp, { seed });
  const rng = new Rng(seed + 1);
  const n = S * A;
  // Welford's running mean and sum of squared deviations, per variant and component.
  const mean = VARIANTS.map(() => new Float64Array(n));
  const m2 = VARIANTS.map(() => new Float64Array(n));
  for (let k = 1; k <= episodes; k++) {
    const episode = sampleEpisode(env, policy, rng);
    const psi = weightings(episode, gamma, v);
    const est = policy.estimates(episode, VARIANTS.map((name) => psi[name]));
    for (let j = 0; j < VARIANTS.length; j++) {
      for (let i = 0; i < n; i++) {
        const d = est[j][i] - mean[j][i];
        mean[j][i] += d / k;
        m2[j][i] += d * (est[j][i] - mean[j][i]);
      }
    }
  }
  const out = {} as Record<Variant, EstimatorStatistics>;
  VARIANTS.forEach((name, j) => {
    const variance = m2[j].map((x) => x / (episodes - 1));
    out[name] = {
      n: episodes,
      mean: mean[j],
      variance,
      stderr: variance.map((x) => Math.sqrt(x / episodes)),
    };
  });
  return out;
}

/** Surrogate error |L_π(π') − V^π − (V^{π'} − V^π)| along θ' = θ + εu, divided by ε². */
export function surrogateErrorRatios(
  mdp: TabularMdp,
  theta: Float64Array,
  direction: ArrayLike<number>,
  gamma: number,
  epsilons: readonly number[],
): { epsilon: number; change: number; surrogate: number; ratio: number }[] {
  const { numStates: S, numActions: A } = mdp;
  const pi = softmaxPolicy(theta, S, A);
  const v0 = exactValue(mdp, theta, gamma);
  return epsilons.map((epsilon) => {
    const moved = theta.map((x, i) => x + epsilon * direction[i]);
    const change = exactValue(mdp, moved, gamma) - v0;
    const surrogate = surrogateAdvantage(mdp, pi, softmaxPolicy(moved, S, A), gamma);
    return { epsilon, change, surrogate, ratio: Math.abs(surrogate - change) / epsilon ** 2 };
  });
}

/** The MDPs of the demonstration, each with its discount. */
export function theoryCases(): { mdp: TabularMdp; gamma: number }[] {
  return [
    { mdp: shortCorridor(), gamma: 0.9 },
    { mdp: twoStepTree(), gamma: 0.9 },
    { mdp: gridWorld4x3(), gamma: 0.95 },
    { mdp: randomMdp({ seed: 1, numStates: 5, numActions: 3 }), gamma: 0.9 },
    { mdp: randomMdp({ seed: 2, numStates: 6, numActions: 4 }), gamma: 0.95 },
  ];
}

/** Random logits rounded to float32, so the `nn` policy and the float64 solver agree. */
export function float32Theta(mdp: TabularMdp, rng: Rng, scale = 1): Float64Array {
  return randomTheta(mdp.numStates, mdp.numActions, rng, scale).map(Math.fround);
}

function fmt(x: number, digits = 4): string {
  return (x >= 0 ? " " : "") + x.toFixed(digits);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

const HELP = `deno task theory [flags]

Exact policy gradients on small finite MDPs next to finite differences and sampled
REINFORCE estimates (reward-to-go, baselines, GAE, no γ^t), the estimators' variances,
the performance difference lemma and the accuracy of TRPO's surrogate.

  --episodes N   sampled episodes per MDP for the REINFORCE estimates (default 4000, ≥ 2)
  --seed N       seed of the sampling (default 7)
  -h, --help     this text
`;

function main(args: string[]): void {
  const { values } = parseCommandLine(args, {
    episodes: { type: "string" },
    seed: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, "theory");
  if (values.help) return void console.log(HELP);
  const episodes = intFlag(values.episodes, "--episodes", { min: 2 }) ?? 4000;
  const seed = intFlag(values.seed, "--seed") ?? 7;
  const rng = new Rng(seed);
  console.log("Exact policy gradients on small finite MDPs vs sampled REINFORCE estimates");
  console.log(`(${episodes} episodes per MDP, seed ${seed}; ± is one standard error)\n`);
  console.log(
    "REINFORCE weights step t by γ^t: ∇V(s₀) = E[Σ_t γ^t ∇log π(a_t|s_t) G_t], since an\n" +
      "action at time t only changes rewards already discounted by γ^t.\n",
  );
  const summary: string[][] = [];
  for (const [index, { mdp, gamma }] of theoryCases().entries()) {
    const { numStates: S, numActions: A } = mdp;
    const line: string[] = [mdp.name];
    const theta = float32Theta(mdp, rng);
    const exact = policyGradient(mdp, theta, gamma);
    const fd = finiteDifferenceGradient((t) => exactValue(mdp, t, gamma), theta);
    const stats = reinforceStatistics(mdp, theta, gamma, episodes, seed * 100 + index);
    const pi = softmaxPolicy(theta, S, A);
    const rho = discountedVisits(mdp, pi, gamma);
    console.log(
      `== ${mdp.name}  (S=${S}, A=${A}, γ=${gamma}, V(θ)=${
        exactValue(mdp, theta, gamma).toFixed(6)
      })`,
    );
    const head = [
      pad("state,action", 18),
      pad("exact ∇V", 10),
      pad("finite diff", 12),
      pad("REINFORCE", 20),
      pad("with baseline", 20),
      "GAE(λ=1)",
    ].join(" ");
    console.log(head);
    for (let s = 0; s < S; s++) {
      if (mdp.terminal[s] || rho[s] < 1e-12) continue;
      for (let a = 0; a < A; a++) {
        const i = s * A + a;
        const cell = (v: Variant) =>
          pad(`${fmt(stats[v].mean[i], 3)} ± ${stats[v].stderr[i].toFixed(3)}`, 20);
        const label = `${stateLabel(mdp, s)},${mdp.actionNames?.[a] ?? a}`;
        console.log(
          [
            pad(label, 18),
            pad(fmt(exact[i]), 10),
            pad(fmt(fd[i]), 12),
            cell("reinforce"),
            cell("baseline"),
            cell("gae(λ=1)").trimEnd(),
          ].join(" "),
        );
      }
    }
    const fdErr = norm(exact.map((x, i) => x - fd[i])) / norm(exact);
    console.log(`‖PG theorem − finite differences‖ / ‖∇V‖ = ${fdErr.toExponential(2)}`);
    line.push(fdErr.toExponential(1));
    const trace0 = stats.reinforce.variance.reduce((x, y) => x + y, 0);
    for (const v of VARIANTS) {
      const st = stats[v];
      const err = norm(st.mean.map((x, i) => x - exact[i]));
      const se = Math.sqrt(st.stderr.reduce((x, y) => x + y * y, 0));
      let maxZ = 0;
      for (let i = 0; i < exact.length; i++) {
        if (st.stderr[i] > 0) maxZ = Math.max(maxZ, Math.abs(st.mean[i] - exact[i]) / st.stderr[i]);
      }
      const trace = st.variance.reduce((x, y) => x + y, 0);
      line.push((err / se).toFixed(2));
      console.log(
        `  ${pad(v, 10)} ‖mean − exact‖ = ${err.toFixed(4)} (expected ≈ ${se.toFixed(4)}), ` +
          `max |z| = ${maxZ.toFixed(2)}, variance / REINFORCE's = ${(trace / trace0).toFixed(3)}`,
      );
      if (v === "no γ^t") {
        // Its own target: Σ_s η(s) Σ_a Q(s,a) ∇π(a|s) with undiscounted visits η.
        const target = stateWeightedGradient(mdp, theta, gamma, expectedVisits(mdp, pi));
        const off = norm(st.mean.map((x, i) => x - target[i]));
        console.log(
          `  ${pad("", 10)} vs Σ_s η(s) Σ_a Q ∇π (undiscounted visits η): ‖mean − that‖ = ` +
            `${off.toFixed(4)} (expected ≈ ${se.toFixed(4)})`,
        );
        line.push((off / se).toFixed(2));
      }
    }
    const traceB = stats.baseline.variance.reduce((x, y) => x + y, 0);
    line.push((traceB / trace0).toFixed(3));
    const piNew = softmaxPolicy(float32Theta(mdp, rng), S, A);
    const pdl = performanceDifference(mdp, pi, piNew, gamma);
    console.log(
      `performance difference lemma: V^π'−V^π = ${pdl.lhs.toFixed(12)}, ` +
        `1/(1−γ)·E_{d^π'}E_{π'}[A^π] = ${pdl.rhs.toFixed(12)} (diff ${
          Math.abs(pdl.lhs - pdl.rhs).toExponential(1)
        })`,
    );
    const u = randomTheta(S, A, rng);
    const un = norm(u);
    const rows = surrogateErrorRatios(mdp, theta, u.map((x) => x / un), gamma, [
      1e-1,
      1e-2,
      1e-3,
      1e-4,
    ]);
    console.log(
      "TRPO surrogate, θ' = θ + εu:   " +
        rows.map((r) => `ε=${r.epsilon.toExponential(0)}: |L−ΔV|/ε² = ${r.ratio.toFixed(4)}`)
          .join(",  "),
    );
    line.push(Math.abs(pdl.lhs - pdl.rhs).toExponential(1));
    line.push(`${rows[0].ratio.toFixed(4)} → ${rows[rows.length - 1].ratio.toFixed(4)}`);
    summary.push(line);
    console.log();
  }
  console.log(
    "Summary (‖mean − exact‖ in units of its standard error √Σ stderr²: ≈ 1 when unbiased)",
  );
  const widths = [28, 9, 7, 7, 7, 7, 7, 7, 9, 9, 18];
  const header = [
    "MDP",
    "PG vs FD",
    "REINF.",
    "basel.",
    "GAE λ=1",
    "GAE λ=0",
    "no γ^t",
    "(vs η)",
    "var ratio",
    "PDL diff",
    "|L−ΔV|/ε², ε:.1→1e-4",
  ];
  console.log(header.map((h, i) => pad(h, widths[i])).join(" "));
  for (const row of summary) {
    console.log(row.map((c, i) => pad(c, widths[i])).join(" ").trimEnd());
  }
  console.log();
  console.log(
    [
      "Reading the table: the exact and finite-difference columns agree to ~1e-10; the",
      "sampled means sit within a few standard errors of the exact gradient; the baseline (and",
      "GAE with λ = 1, which is the same estimator here) keeps the mean and lowers the variance",
      "(var ratio = summed variance with the baseline / without). Dropping γ^t gives a biased",
      "estimate: its error in standard errors grows with --episodes, while it matches its own",
      "target Σ_s η(s) Σ_a Q ∇π with undiscounted visits η (column 'vs η'). The lemma holds to",
      "rounding error, and the surrogate's error shrinks like ε²: it matches V^π' − V^π to",
      "first order, which is what TRPO's trust region relies on.",
    ].join("\n"),
  );
}

if (import.meta.main) await runMain(() => main(Deno.args));
