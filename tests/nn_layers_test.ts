/**
 * Layers: orthogonal initialisation (WWᵀ = gain²·I for wide, WᵀW = gain²·I for tall
 * weights), the no-grad `forwardInto` against the tape forward (same bits), no allocation
 * in `forwardInto` after warm-up (scratch reuse), `MlpSpec` round trip, flat vectors,
 * seeded determinism and both kernel back ends.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import * as nn from "../nn/mod.ts";

Deno.test("orthogonal init: orthonormal rows or columns times the gain", () => {
  for (
    const [rows, cols, gain] of [[4, 6, Math.SQRT2], [6, 4, 1], [5, 5, 0.01], [64, 4, Math.SQRT2]]
  ) {
    const w = nn.orthogonal(rows, cols, gain, new Rng(rows * cols));
    const wide = rows <= cols;
    const d = wide ? rows : cols;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        if (wide) { for (let c = 0; c < cols; c++) s += w[i * cols + c] * w[j * cols + c]; }
        else for (let r = 0; r < rows; r++) s += w[r * cols + i] * w[r * cols + j];
        assert.ok(
          Math.abs(s - (i === j ? gain * gain : 0)) < 1e-5 * Math.max(1, gain * gain),
          `${rows}×${cols} (${i},${j})`,
        );
      }
    }
  }
  const l = new nn.Linear(3, 2, { rng: new Rng(1), name: "head" });
  assert.deepEqual(l.parameters().map((p) => [p.name, p.shape]), [["head.weight", "2×3"], [
    "head.bias",
    "1×2",
  ]]);
  assert.deepEqual([...l.bias.data], [0, 0]);
});

Deno.test("MLP: forwardInto equals the tape forward, allocation-free after warm-up", () => {
  for (const kern of [nn.wasmKernels!, nn.tsKernels]) {
    const prev = nn.setKernels(kern);
    try {
      for (const activation of ["tanh", "relu"] as const) {
        const rng = new Rng(5);
        const mlp = new nn.MLP({ sizes: [4, 64, 64, 3], activation, rng, outputGain: 0.5 });
        for (const rows of [1, 4, 33]) {
          const x = new Float32Array(rows * 4).map(() => rng.uniformRange(-2, 2));
          const out = new Float32Array(rows * 3);
          mlp.forwardInto(x, rows, out);
          const taped = mlp.forward(nn.tensor(x, rows, 4));
          assert.deepEqual(out, taped.data, `${kern.name} ${activation} rows=${rows}`);
        }
        // Rollout batches (up to 16 rows: hidden activations of at most 1024 floats) must
        // reuse the scratch buffers. After JIT warm-up and a full GC (the test task passes
        // --expose-gc), 500 calls must grow the heap by far less than one hidden buffer
        // (4 KiB) per call would: a per-call buffer would add ≥ 2 MiB.
        const x = new Float32Array(16 * 4), out = new Float32Array(16 * 3);
        for (let i = 0; i < 5000; i++) mlp.forwardInto(x, 1 + (i % 16), out);
        (globalThis as { gc?: () => void }).gc?.();
        const before = Deno.memoryUsage().heapUsed;
        for (let i = 0; i < 500; i++) mlp.forwardInto(x, 1 + (i % 16), out);
        const grown = Deno.memoryUsage().heapUsed - before;
        assert.ok(grown < 500 * 512, `forwardInto heap growth ${grown} bytes over 500 calls`);
      }
    } finally {
      nn.setKernels(prev);
    }
  }
});

Deno.test("MLP: sizes, names, spec round trip, errors, determinism", () => {
  const a = new nn.MLP({ sizes: [4, 8, 2], rng: new Rng(7), name: "actor" });
  const b = new nn.MLP({ sizes: [4, 8, 2], rng: new Rng(7), name: "actor" });
  assert.deepEqual(nn.getFlatParams(a.parameters()), nn.getFlatParams(b.parameters()));
  assert.deepEqual(a.sizes, [4, 8, 2]);
  assert.deepEqual(a.parameters().map((p) => p.name), [
    "actor.0.weight",
    "actor.0.bias",
    "actor.1.weight",
    "actor.1.bias",
  ]);
  const spec = a.toSpec();
  assert.equal(spec.layers[0].weight.length, 32);
  assert.equal(spec.activation, "tanh");
  const c = new nn.MLP({ sizes: [4, 8, 2], rng: new Rng(99), name: "actor" });
  c.loadSpec(spec);
  assert.deepEqual(nn.getFlatParams(c.parameters()), nn.getFlatParams(a.parameters()));
  assert.throws(
    () => new nn.MLP({ sizes: [4, 8, 3], rng: new Rng(0) }).loadSpec(spec),
    /layer 1 is 2×8, expected 3×8/,
  );
  assert.throws(
    () => new nn.MLP({ sizes: [4], rng: new Rng(0) }),
    /sizes must be ≥ 2 positive integers/,
  );
  assert.throws(
    () => a.forwardInto(new Float32Array(3), 1, new Float32Array(2)),
    /x has 3 values, need 1×4/,
  );
  const out = nn.getFlatParams(a.parameters(), new Float32Array(nn.flatSize(a.parameters())));
  assert.ok(out instanceof Float32Array);
  assert.throws(
    () => nn.setFlatParams(a.parameters(), [1, 2]),
    /flat vector has 2 values, parameters have 58/,
  );
  nn.setFlatGrad(a.parameters(), new Float64Array(58).fill(2));
  assert.deepEqual([...nn.getFlatGrad(a.parameters())].slice(0, 3), [2, 2, 2]);
});

Deno.test("training is bit-identical run to run and close across kernel back ends", () => {
  const train = (kern: nn.Kernels) => {
    const prev = nn.setKernels(kern);
    try {
      const rng = new Rng(11);
      const net = new nn.MLP({ sizes: [4, 64, 64, 2], rng });
      const opt = new nn.Adam(net.parameters(), { lr: 1e-3 });
      const x = nn.tensor(new Float32Array(256).map(() => rng.normal()), 64, 4);
      const acts = Array.from({ length: 64 }, () => rng.integer(2));
      for (let s = 0; s < 5; s++) {
        opt.zeroGrad();
        nn.backward(nn.neg(nn.mean(new nn.Categorical(net.forward(x)).logProb(acts))));
        opt.step();
      }
      return nn.getFlatParams(net.parameters());
    } finally {
      nn.setKernels(prev);
    }
  };
  const w1 = train(nn.wasmKernels!), w2 = train(nn.wasmKernels!);
  assert.deepEqual(w1, w2);
  const t = train(nn.tsKernels);
  for (let i = 0; i < t.length; i++) {
    assert.ok(Math.abs(t[i] - w1[i]) < 1e-4, `param ${i}: ts ${t[i]} wasm ${w1[i]}`);
  }
});
