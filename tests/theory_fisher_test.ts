/**
 * TRPO's Fisher matrix equals the Hessian of the mean KL.
 *
 * The policy is the toolkit's own: an nn `MLP` with one layer (`sizes = [S, A]`, logits
 * `W e_s + b`) on one-hot states, i.e. a softmax-tabular policy with logits θ[s,a] = W[a,s] + b[a].
 * The batch of states is drawn from the discounted state distribution d^π (as TRPO's batch
 * is drawn from the states its policy visits), so the mean KL over the batch is
 * `Σ_s w(s) KL(π_old(·|s) ‖ π_new(·|s))` with w the batch frequencies. Each column of F,
 * nn's `fisherVectorProduct` applied to a unit vector, is compared with
 *
 * - the central finite-difference Hessian of that mean KL, computed in float64, and
 * - for the weight block, the closed form `w(s)(diag π(·|s) − π(·|s)π(·|s)ᵀ)`.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import {
  discountedStateDistribution,
  finiteDifferenceHessian,
  meanKl,
  softmaxFisher,
  softmaxPolicy,
} from "../envs/tabular/mod.ts";
import { fisherVectorProduct, MLP } from "../nn/mod.ts";
import { float32Theta, theoryCases } from "../examples/theory.ts";

Deno.test("nn fisherVectorProduct on unit vectors equals the Hessian of the mean KL", () => {
  const rng = new Rng(41);
  for (const { mdp, gamma } of theoryCases().slice(0, 4)) {
    const { numStates: S, numActions: A } = mdp;
    const theta = float32Theta(mdp, rng);
    const net = new MLP({ sizes: [S, A], rng: new Rng(42), name: "pi" });
    const layer = net.layers[0];
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) layer.weight.data[a * S + s] = theta[s * A + a];
    }
    for (let a = 0; a < A; a++) layer.bias.data[a] = Math.fround(0.3 * rng.normal());
    const flat0 = Float64Array.from([...layer.weight.data, ...layer.bias.data]);
    const n = flat0.length;
    // The batch: N states drawn from d^π; w(s) = their frequencies.
    const N = 64;
    const tableOf = (flat: ArrayLike<number>) => {
      const logits = new Float64Array(S * A);
      for (let s = 0; s < S; s++) {
        for (let a = 0; a < A; a++) logits[s * A + a] = flat[a * S + s] + flat[A * S + a];
      }
      return softmaxPolicy(logits, S, A);
    };
    const pi = tableOf(flat0);
    const d = discountedStateDistribution(mdp, pi, gamma);
    const obs = new Float32Array(N * S);
    const w = new Float64Array(S);
    for (let i = 0; i < N; i++) {
      const s = rng.categorical(d);
      obs[i * S + s] = 1;
      w[s] += 1 / N;
    }
    const policy = { net, distribution: "categorical" as const };
    const columns = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      const col = fisherVectorProduct(policy, obs, N, e);
      assert.equal(col.length, n);
      for (let i = 0; i < n; i++) columns[i * n + j] = col[i];
    }
    const hess = finiteDifferenceHessian((flat) => meanKl(pi, tableOf(flat), w), flat0, 1e-4);
    let scale = 0;
    let err = 0;
    for (let i = 0; i < n * n; i++) {
      scale = Math.max(scale, Math.abs(hess[i]));
      err = Math.max(err, Math.abs(columns[i] - hess[i]));
    }
    assert.ok(err < 1e-5 * scale + 1e-7, `${mdp.name}: max |F − ∇²KL| = ${err} (scale ${scale})`);
    // The weight block against the closed form (flat index a·S + s ↔ table index s·A + a).
    const closed = softmaxFisher(pi, w);
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        for (let t = 0; t < S; t++) {
          for (let b = 0; b < A; b++) {
            const fromNn = columns[(a * S + s) * n + b * S + t];
            const exact = closed[(s * A + a) * S * A + t * A + b];
            assert.ok(Math.abs(fromNn - exact) < 1e-5 * scale + 1e-7, `${mdp.name}: F block`);
          }
        }
      }
    }
  }
});
