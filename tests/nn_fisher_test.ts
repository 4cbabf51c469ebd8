/**
 * `fisherVectorProduct` against two independent constructions:
 *
 * 1. finite differences of the KL gradient along v: `(∇KL(θ+εv) − ∇KL(θ−εv))/2ε → Fv`
 *    where KL = mean KL(π_old‖π_θ) on the tape (ε = 1e-2; tolerance 2e-3·max|Fv|);
 * 2. the explicit Fisher matrix built column by column on a tiny network — Categorical:
 *    from its definition `F = (1/N) Σᵢ Σₐ π(a|xᵢ) ∇log π(a|xᵢ) ∇log π(a|xᵢ)ᵀ` (scores from
 *    the tape); Gaussian: `F = (1/N) Σᵢ Jᵢᵀ Mᵢ Jᵢ` with the output Jacobian from the tape and
 *    `M = diag(1/σ², 2)` — compared with `F eⱼ` for every j (tolerance 1e-4·max|F|);
 *    MultiCategorical: the categorical definition summed over every joint action (so the
 *    block-diagonal metric is checked against the joint distribution).
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import * as nn from "../nn/mod.ts";
import type { FisherPolicy } from "../nn/mod.ts";

function obsBatch(rng: Rng, rows: number, cols: number): Float32Array {
  return new Float32Array(rows * cols).map(() => rng.uniformRange(-1.5, 1.5));
}

function perturbBiases(net: nn.MLP, rng: Rng): void {
  for (const p of net.parameters()) {
    if (p.rows === 1) { for (let q = 0; q < p.size; q++) p.data[q] = rng.uniformRange(-0.3, 0.3); }
  }
}

function makePolicies(): { name: string; policy: FisherPolicy; obs: Float32Array; rows: number }[] {
  const rng = new Rng(11);
  const cat = new nn.MLP({ sizes: [3, 5, 3], rng, outputGain: 1, name: "cat" });
  perturbBiases(cat, rng);
  const gau = new nn.MLP({
    sizes: [2, 4, 4, 2],
    activation: "tanh",
    rng,
    outputGain: 1,
    name: "gau",
  });
  perturbBiases(gau, rng);
  const logStd = new nn.Parameter("logStd", 1, 2, [-0.3, 0.2]);
  const relu = new nn.MLP({ sizes: [3, 6, 2], activation: "relu", rng, name: "relu" });
  perturbBiases(relu, rng);
  const multi = new nn.MLP({ sizes: [3, 4, 5], rng, outputGain: 1, name: "multi" });
  perturbBiases(multi, rng);
  return [
    {
      name: "multi-categorical",
      policy: { net: multi, distribution: "multi-categorical", nvec: [2, 3] },
      obs: obsBatch(rng, 5, 3),
      rows: 5,
    },
    {
      name: "categorical",
      policy: { net: cat, distribution: "categorical" },
      obs: obsBatch(rng, 7, 3),
      rows: 7,
    },
    {
      name: "gaussian",
      policy: { net: gau, distribution: "gaussian", logStd },
      obs: obsBatch(rng, 6, 2),
      rows: 6,
    },
    {
      name: "categorical relu",
      policy: { net: relu, distribution: "categorical" },
      obs: obsBatch(rng, 5, 3),
      rows: 5,
    },
  ];
}

/** Mean KL(π_old ‖ π_θ) on the tape, π_old fixed to `oldOut` (and `oldLogStd`). */
function meanKl(
  policy: FisherPolicy,
  obs: nn.Tensor,
  oldOut: nn.Tensor,
  oldLogStd?: nn.Tensor,
): nn.Tensor {
  const out = policy.net.forward(obs);
  if (policy.distribution === "categorical") {
    return nn.mean(new nn.Categorical(oldOut).kl(new nn.Categorical(out)));
  }
  if (policy.distribution === "multi-categorical") {
    const nvec = policy.nvec;
    return nn.mean(new nn.MultiCategorical(oldOut, nvec).kl(new nn.MultiCategorical(out, nvec)));
  }
  return nn.mean(
    new nn.DiagGaussian(oldOut, oldLogStd!).kl(new nn.DiagGaussian(out, policy.logStd)),
  );
}

Deno.test("fisherVectorProduct matches finite differences of ∇KL along v", () => {
  for (const { name, policy, obs, rows } of makePolicies()) {
    const params = nn.fisherParameters(policy);
    const x = nn.tensor(obs, rows, policy.net.inDim);
    const oldOut = nn.detach(nn.noGrad(() => policy.net.forward(x)));
    const oldLogStd = policy.distribution === "gaussian" ? nn.detach(policy.logStd) : undefined;
    const theta = nn.getFlatParams(params);
    const rng = new Rng(3);
    const v = new Float64Array(theta.length).map(() => rng.uniformRange(-1, 1));
    const fv = nn.fisherVectorProduct(policy, obs, rows, v);
    const eps = 1e-2;
    const gradAt = (sign: number) => {
      nn.setFlatParams(params, theta.map((t, i) => t + sign * eps * v[i]));
      nn.zeroGrad(params);
      nn.backward(meanKl(policy, x, oldOut, oldLogStd));
      return nn.getFlatGrad(params);
    };
    const gp = gradAt(1), gm = gradAt(-1);
    nn.setFlatParams(params, theta);
    const scale = Math.max(...fv.map(Math.abs));
    assert.ok(scale > 1e-3, `${name}: Fv is ~0`);
    for (let i = 0; i < fv.length; i++) {
      const fd = (gp[i] - gm[i]) / (2 * eps);
      assert.ok(
        Math.abs(fd - fv[i]) <= 2e-3 * scale,
        `${name}: (Fv)[${i}] = ${fv[i]}, finite difference ${fd}`,
      );
    }
    // damping adds λv
    const damped = nn.fisherVectorProduct(policy, obs, rows, v, 0.1);
    for (let i = 0; i < fv.length; i++) assert.ok(Math.abs(damped[i] - fv[i] - 0.1 * v[i]) < 1e-9);
  }
});

/** Explicit Fisher matrix (n × n, row-major Float64Array) built from the tape. */
function explicitFisher(policy: FisherPolicy, obs: Float32Array, rows: number): Float64Array {
  const params = nn.fisherParameters(policy);
  const n = nn.flatSize(params);
  const F = new Float64Array(n * n);
  const inDim = policy.net.inDim, outDim = policy.net.outDim;
  for (let i = 0; i < rows; i++) {
    const xi = nn.tensor(obs.subarray(i * inDim, (i + 1) * inDim), 1, inDim);
    if (policy.distribution === "multi-categorical") {
      const [n0, n1] = policy.nvec;
      for (let a0 = 0; a0 < n0; a0++) {
        for (let a1 = 0; a1 < n1; a1++) {
          nn.zeroGrad(params);
          const lp = new nn.MultiCategorical(policy.net.forward(xi), policy.nvec).logProb([a0, a1]);
          nn.backward(lp);
          const pa = Math.exp(lp.item()), s = nn.getFlatGrad(params);
          for (let r = 0; r < n; r++) {
            for (let c = 0; c < n; c++) F[r * n + c] += (pa * s[r] * s[c]) / rows;
          }
        }
      }
    } else if (policy.distribution === "categorical") {
      const probs = nn.noGrad(() => nn.softmax(policy.net.forward(xi))).data;
      for (let a = 0; a < outDim; a++) {
        nn.zeroGrad(params);
        nn.backward(new nn.Categorical(policy.net.forward(xi)).logProb([a]));
        const s = nn.getFlatGrad(params);
        for (let r = 0; r < n; r++) {
          for (let c = 0; c < n; c++) F[r * n + c] += (probs[a] * s[r] * s[c]) / rows;
        }
      }
    } else {
      // Jacobian rows of the means: ∂μ_k/∂θ; the logStd block is 2·I.
      const jac: Float64Array[] = [];
      for (let k = 0; k < outDim; k++) {
        nn.zeroGrad(params);
        const seed = new Float32Array(outDim);
        seed[k] = 1;
        nn.backward(policy.net.forward(xi), seed);
        jac.push(nn.getFlatGrad(params) as Float64Array);
      }
      for (let k = 0; k < outDim; k++) {
        const w = Math.exp(-2 * policy.logStd.data[k]);
        for (let r = 0; r < n; r++) {
          for (let c = 0; c < n; c++) F[r * n + c] += (w * jac[k][r] * jac[k][c]) / rows;
        }
      }
      const o = n - outDim;
      for (let k = 0; k < outDim; k++) F[(o + k) * n + o + k] += 2 / rows;
    }
  }
  return F;
}

Deno.test("fisherVectorProduct matches the explicit Fisher column by column", () => {
  for (const { name, policy, obs, rows } of makePolicies()) {
    const F = explicitFisher(policy, obs, rows);
    const n = Math.sqrt(F.length);
    const scale = Math.max(...F.map(Math.abs));
    const op = new nn.FisherOperator(policy, obs, rows);
    const e = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e.fill(0);
      e[j] = 1;
      const col = op.apply(e);
      for (let r = 0; r < n; r++) {
        assert.ok(
          Math.abs(col[r] - F[r * n + j]) <= 1e-4 * scale,
          `${name}: F[${r}, ${j}] = ${F[r * n + j]}, Fisher product gives ${col[r]}`,
        );
      }
    }
    // symmetric positive semi-definite (vᵀFv ≥ 0)
    const rng = new Rng(5);
    const v = new Float64Array(n).map(() => rng.uniformRange(-1, 1));
    const fv = op.apply(v);
    assert.ok(fv.reduce((s, x, i) => s + x * v[i], 0) >= 0, `${name}: vᵀFv < 0`);
  }
});

Deno.test("FisherOperator applies the policy's encode to the observations", () => {
  const net = new nn.MLP({ sizes: [3, 4, 2], rng: new Rng(2), outputGain: 1 });
  const oneHot = (obs: Float32Array, rows: number) => {
    const x = new Float32Array(rows * 3);
    for (let i = 0; i < rows; i++) x[i * 3 + obs[i]] = 1;
    return x;
  };
  const states = new Float32Array([0, 2, 1, 2]);
  const v = new Float64Array(nn.flatSize(net.parameters())).map((_, i) => Math.sin(i));
  const encoded = { net, distribution: "categorical" as const, encode: oneHot };
  const plain = { net, distribution: "categorical" as const };
  assert.deepEqual(
    nn.fisherVectorProduct(encoded, states, 4, v),
    nn.fisherVectorProduct(plain, oneHot(states, 4), 4, v),
  );
  assert.notDeepEqual(
    nn.fisherVectorProduct(encoded, states, 4, v),
    nn.fisherVectorProduct(plain, new Float32Array([0, 2, 1, 2, 0, 0, 0, 1, 1, 1, 0, 0]), 4, v),
  );
});

Deno.test("FisherOperator validates its inputs", () => {
  const net = new nn.MLP({ sizes: [2, 3, 2], rng: new Rng(0) });
  assert.throws(
    () => new nn.FisherOperator({ net, distribution: "categorical" }, new Float32Array(3), 2),
    /obs has 3 values, need rows \(2\) × 2/,
  );
  const op = new nn.FisherOperator({ net, distribution: "categorical" }, new Float32Array(4), 2);
  assert.throws(() => op.apply(new Float64Array(3)), /v has 3 values/);
  assert.throws(
    () =>
      new nn.FisherOperator(
        { net, distribution: "gaussian", logStd: new nn.Parameter("s", 1, 3) },
        new Float32Array(4),
        2,
      ),
    /logStd is 1×3, network output is 2/,
  );
  assert.throws(
    () =>
      new nn.FisherOperator(
        { net, distribution: "multi-categorical", nvec: [2, 2] },
        new Float32Array(4),
        2,
      ),
    /nvec \[2,2\] does not sum to the network output 2/,
  );
});
