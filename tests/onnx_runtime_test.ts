/**
 * ONNX Runtime tests: parity of exported policies with the float64 reference forward pass,
 * execution-provider fallback, in-graph sampling statistics, and clear errors for bad files
 * and bad observations.
 * @module
 */
import assert from "node:assert/strict";
import { exportOnnx } from "../policies/onnx/export.ts";
import { buildPolicyModel } from "../policies/onnx/graph.ts";
import { DataType, encodeModel } from "../policies/onnx/proto.ts";
import { ExecutionProviderError, OnnxPolicy } from "../policies/onnx/runtime.ts";
import { randomPolicySpec } from "../policies/onnx/testing.ts";
import { referenceForward } from "../policies/reference_forward.ts";
import type { PolicySpec } from "../policies/spec.ts";
import { Rng } from "../random.ts";
import type { Space } from "../envs/spaces.ts";
import { ActorCritic } from "../policies/actor_critic.ts";
import { ObservationNormalizer } from "../envs/wrappers/normalizers.ts";

const TOL = 1e-5;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= TOL, `${what}[${i}]: ONNX Runtime ${actual[i]} vs reference ${expected[i]}`);
  }
}

function randomObservations(rng: Rng, batch: number, dim: number): Float32Array {
  return Float32Array.from({ length: batch * dim }, () => 3 * rng.normal());
}

const specs: [string, () => PolicySpec][] = [
  [
    "discrete",
    () =>
      randomPolicySpec({ seed: 11, obsShape: [6], action: { type: "discrete", n: 4, start: 2 } }),
  ],
  ["discrete+norm", () =>
    randomPolicySpec({
      seed: 12,
      obsShape: [6],
      action: { type: "discrete", n: 4 },
      normClip: 2,
      activation: "relu",
    })],
  ["box", () =>
    randomPolicySpec({
      seed: 13,
      obsShape: [2, 3],
      action: { type: "box", low: [-0.5, -1, -Infinity], high: [0.5, 1, Infinity], shape: [3] },
      activation: "relu",
    })],
  ["box+norm", () =>
    randomPolicySpec({
      seed: 14,
      obsShape: [5],
      action: { type: "box", low: -1, high: 1, shape: [2] },
      normClip: 10,
    })],
  ["multi-discrete", () =>
    randomPolicySpec({
      seed: 15,
      obsShape: [4],
      action: { type: "multi-discrete", nvec: [3, 2, 4] },
    })],
  ["multi-binary+norm", () =>
    randomPolicySpec({
      seed: 16,
      obsShape: [3],
      action: { type: "multi-binary", n: 5 },
      normClip: 5,
      activation: "relu",
    })],
  ["discrete-observation", () =>
    randomPolicySpec({
      seed: 17,
      obsShape: [1],
      observation: { type: "discrete", n: 6, start: 1 },
      action: { type: "discrete", n: 3 },
    })],
];

/** Observations of `spec`'s space: states for a discrete one, else normal deviates. */
function observationsFor(spec: PolicySpec, rng: Rng, batch: number, dim: number): Float32Array {
  const space = spec.observationSpace;
  if (space.type !== "discrete") return randomObservations(rng, batch, dim);
  return Float32Array.from({ length: batch }, () => (space.start ?? 0) + rng.integer(space.n));
}

/** Per-entry blocks of `nvec` (multi-discrete, or multi-binary as [2, …]); null otherwise. */
function blocksOf(space: Space): number[] | null {
  if (space.type === "multi-discrete") return space.nvec;
  if (space.type === "multi-binary") return new Array<number>(space.n).fill(2);
  return null;
}

for (const [name, make] of specs) {
  Deno.test(`parity: ${name} policy, ONNX Runtime vs reference within 1e-5 (batch 1 and 37)`, async () => {
    const spec = make();
    const bytes = await exportOnnx(spec, null, { withValue: true });
    const policy = await OnnxPolicy.load(bytes);
    try {
      const dim = policy.observationDim;
      const rng = new Rng(99);
      for (const batch of [1, 37]) {
        const obs = observationsFor(spec, rng, batch, dim);
        const ref = referenceForward(spec, obs, batch);
        const out = await policy.act(obs);
        assertClose(out.value!, ref.value!, `${name} value`);
        const nvec = blocksOf(spec.actionSpace);
        if (nvec) {
          const width = nvec.reduce((a, b) => a + b, 0);
          assertClose(out.logits!.flatMap((r) => [...r]), ref.logits!, `${name} logits`);
          assertClose(out.probs!.flatMap((r) => [...r]), ref.probs!, `${name} probs`);
          (out.actions as Int32Array[]).forEach((a, b) => {
            assert.ok(a instanceof Int32Array && a.length === nvec.length, `${name} row ${b}`);
            let o = b * width;
            nvec.forEach((n, c) => {
              const sorted = [...ref.logits!.subarray(o, o + n)].sort((x, y) => y - x);
              if (sorted[0] - sorted[1] > TOL) {
                assert.equal(a[c], ref.actions[b * nvec.length + c], `${name} [${b}, ${c}]`);
              }
              o += n;
            });
          });
        } else if (spec.actionSpace.type === "discrete") {
          const n = spec.actionSpace.n;
          assertClose(out.logits!.flatMap((r) => [...r]), ref.logits!, `${name} logits`);
          assertClose(out.probs!.flatMap((r) => [...r]), ref.probs!, `${name} probs`);
          (out.actions as number[]).forEach((a, b) => {
            const logits = ref.logits!.subarray(b * n, (b + 1) * n);
            const sorted = [...logits].sort((x, y) => y - x);
            if (sorted[0] - sorted[1] > TOL) {
              assert.equal(a, ref.actions[b], `${name} action row ${b}`);
            }
          });
        } else {
          assertClose(out.mean!.flatMap((r) => [...r]), ref.mean!, `${name} mean`);
          assertClose(out.logStd!.flatMap((r) => [...r]), ref.logStd!, `${name} log_std`);
          const actions = (out.actions as Float32Array[]).flatMap((r) => [...r]);
          assertClose(actions, ref.actions, `${name} action`);
        }
      }
      // One observation as number[] and as number[][] gives the same answer.
      const one = Array.from(observationsFor(spec, rng, 1, dim));
      const a = await policy.act(one);
      const b = await policy.act([one]);
      assert.deepEqual(a, b);
    } finally {
      await policy.close();
    }
  });
}

Deno.test("runtime: info() reports inputs, outputs, metadata and the provider", async () => {
  const spec = specs[0][1]();
  const policy = await OnnxPolicy.load(await exportOnnx(spec, null), {
    executionProviders: ["cpu"],
  });
  const info = policy.info();
  assert.equal(info.executionProvider, "cpu");
  assert.deepEqual(info.unavailableProviders, []);
  assert.deepEqual(info.inputs[0].shape, ["batch", 6]);
  assert.deepEqual(info.outputs.map((o) => o.name), ["action", "logits", "probs"]);
  assert.equal(info.metadata["ascent.algorithm"], "ppo");
  assert.deepEqual(info.actionSpace, { type: "discrete", n: 4, start: 2 });
  assert.equal(info.onnxRuntimeVersion, "1.30.0");
  await policy.close();
  await assert.rejects(() => policy.act([0, 0, 0, 0, 0, 0]), /OnnxPolicy is closed/);
});

Deno.test("runtime: an unavailable provider falls back with a warning, or throws when strict", async () => {
  const bytes = await exportOnnx(specs[0][1](), null);
  const warnings: string[] = [];
  const policy = await OnnxPolicy.load(bytes, {
    executionProviders: ["no-such-provider", "cpu"],
    onWarning: (m) => warnings.push(m),
  });
  const info = policy.info();
  assert.equal(info.executionProvider, "cpu");
  assert.deepEqual(info.requestedProviders, ["no-such-provider", "cpu"]);
  assert.equal(info.unavailableProviders[0].provider, "no-such-provider");
  assert.match(info.unavailableProviders[0].reason, /supports only \[cpu/);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /"no-such-provider" .*falling back to "cpu"/);
  await policy.close();
  // Providers after the one that works are never tried.
  const cpuFirst = await OnnxPolicy.load(bytes, {
    executionProviders: ["cpu", "cuda"],
    onWarning: (m) => warnings.push(m),
  });
  assert.equal(cpuFirst.info().executionProvider, "cpu");
  assert.deepEqual(cpuFirst.info().unavailableProviders, []);
  assert.equal(warnings.length, 1);
  await cpuFirst.close();
  await assert.rejects(
    () => OnnxPolicy.load(bytes, { executionProviders: ["no-such-provider", "cpu"], strict: true }),
    (e: Error) => e instanceof ExecutionProviderError && /"no-such-provider"/.test(e.message),
  );
  await assert.rejects(
    () => OnnxPolicy.load(bytes, { executionProviders: ["no-such-provider"], onWarning: () => {} }),
    /could not create a session with any requested execution provider: no-such-provider:/,
  );
});

Deno.test("runtime: cuda is either used or reported unavailable with the reason", async () => {
  const bytes = await exportOnnx(specs[0][1](), null);
  const warnings: string[] = [];
  const policy = await OnnxPolicy.load(bytes, {
    executionProviders: ["cuda", "cpu"],
    onWarning: (m) => warnings.push(m),
  });
  const info = policy.info();
  if (info.executionProvider === "cuda") {
    assert.deepEqual(info.unavailableProviders, []);
  } else {
    assert.equal(info.executionProvider, "cpu");
    assert.equal(info.unavailableProviders[0].provider, "cuda");
    assert.match(info.unavailableProviders[0].reason, /Failed to load shared library|cuda/i);
    assert.match(warnings[0], /execution provider "cuda"/);
  }
  assert.equal((await policy.act([1, 2, 3, 4, 5, 6])).actions.length, 1);
  await policy.close();
});

Deno.test("runtime: sampled actions follow softmax(logits) and N(mean, exp(log_std)²)", async () => {
  const rows = 4000;
  const discrete = randomPolicySpec({
    seed: 21,
    obsShape: [3],
    action: { type: "discrete", n: 3 },
  });
  const dp = await OnnxPolicy.load(await exportOnnx(discrete, null, { deterministic: false }));
  const obs = [0.3, -0.2, 0.9];
  const batch = Array.from({ length: rows }, () => obs);
  const d = await dp.act(batch);
  const probs = d.probs![0];
  const counts = [0, 0, 0];
  for (const a of d.actions as number[]) counts[a]++;
  for (let k = 0; k < 3; k++) {
    const sd = Math.sqrt(probs[k] * (1 - probs[k]) / rows);
    assert.ok(
      Math.abs(counts[k] / rows - probs[k]) < 5 * sd + 1e-3,
      `action ${k}: frequency ${counts[k] / rows} vs probability ${probs[k]}`,
    );
  }
  await dp.close();

  const box = randomPolicySpec({
    seed: 22,
    obsShape: [3],
    action: { type: "box", low: -100, high: 100, shape: [2] },
  });
  const bp = await OnnxPolicy.load(await exportOnnx(box, null, { deterministic: false }));
  const b = await bp.act(batch);
  for (let k = 0; k < 2; k++) {
    const xs = (b.actions as Float32Array[]).map((r) => r[k]);
    const mean = xs.reduce((s, x) => s + x, 0) / rows;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (rows - 1));
    const sigma = Math.exp(b.logStd![0][k]);
    assert.ok(Math.abs(mean - b.mean![0][k]) < 5 * sigma / Math.sqrt(rows), `dim ${k} mean`);
    assert.ok(Math.abs(std / sigma - 1) < 0.08, `dim ${k}: std ${std} vs σ ${sigma}`);
  }
  await bp.close();

  const multi = randomPolicySpec({
    seed: 23,
    obsShape: [3],
    action: { type: "multi-discrete", nvec: [3, 2] },
  });
  const mp = await OnnxPolicy.load(await exportOnnx(multi, null, { deterministic: false }));
  const m = await mp.act(batch);
  const mprobs = m.probs![0];
  const mcounts = [0, 0, 0, 0, 0];
  for (const a of m.actions as Int32Array[]) {
    mcounts[a[0]]++;
    mcounts[3 + a[1]]++;
  }
  for (let j = 0; j < 5; j++) {
    const sd = Math.sqrt(mprobs[j] * (1 - mprobs[j]) / rows);
    assert.ok(
      Math.abs(mcounts[j] / rows - mprobs[j]) < 5 * sd + 1e-3,
      `multi-discrete column ${j}: frequency ${mcounts[j] / rows} vs probability ${mprobs[j]}`,
    );
  }
  await mp.close();
});

Deno.test("runtime: truncated, corrupt and missing files give clear errors", async () => {
  const bytes = await exportOnnx(specs[1][1](), null);
  const dir = await Deno.makeTempDir({ prefix: "ascent_onnx_rt_" });
  try {
    const path = `${dir}/cut.onnx`;
    await Deno.writeFile(path, bytes.subarray(0, bytes.length >> 1));
    await assert.rejects(
      () => OnnxPolicy.load(path),
      /cut\.onnx: invalid ONNX protobuf at byte \d+ \(ModelProto\.graph.*truncated or corrupt/,
    );
    const corrupt = bytes.slice();
    corrupt[0] = 0x0b;
    await assert.rejects(
      () => OnnxPolicy.load(corrupt),
      /<bytes>: invalid ONNX protobuf at byte 0 \(ModelProto\): unsupported wire type 3/,
    );
    await assert.rejects(
      () => OnnxPolicy.load(`${dir}/absent.onnx`),
      /cannot read ONNX model ".*absent\.onnx"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runtime: a model whose inputs do not match the contract is refused", async () => {
  const spec = specs[1][1]();
  const renamed = buildPolicyModel(spec);
  renamed.graph!.input[0].name = "x";
  renamed.graph!.node[0].input[0] = "x";
  await assert.rejects(
    () => OnnxPolicy.load(encodeModel(renamed)),
    /model inputs do not match the policy contract: expected exactly one input "obs".*found 1: \[x: float32\[batch, 6\]\]/,
  );
  const int = buildPolicyModel(spec);
  int.graph!.input[0].elemType = DataType.INT64;
  await assert.rejects(
    () => OnnxPolicy.load(encodeModel(int)),
    /input "obs" has element type int64/,
  );
  const fixed = buildPolicyModel(spec);
  fixed.graph!.input[0].shape![0] = { value: 1 };
  await assert.rejects(() => OnnxPolicy.load(encodeModel(fixed)), /fixed batch dimension 1/);
  const wide = buildPolicyModel(spec);
  wide.graph!.input[0].shape![1] = { value: 7 };
  await assert.rejects(
    () => OnnxPolicy.load(encodeModel(wide)),
    /observation shape \[7\] but the stored observation space has shape \[6\]/,
  );
  const noAction = buildPolicyModel(spec);
  noAction.graph!.output = noAction.graph!.output.filter((o) => o.name !== "action");
  await assert.rejects(() => OnnxPolicy.load(encodeModel(noAction)), /have no "action" output/);
  // Our checks pass but the graph is broken: ONNX Runtime's own reason is reported.
  const broken = buildPolicyModel(spec);
  broken.graph!.node[1].opType = "NoSuchOperator";
  await assert.rejects(
    () => OnnxPolicy.load(encodeModel(broken), { onWarning: () => {} }),
    /could not create a session with any requested execution provider: cpu: .*NoSuchOperator/,
  );
});

Deno.test("runtime: observations of the wrong length, with NaN or beyond float32 (1e39) are refused", async () => {
  const spec = specs[3][1]();
  const policy = await OnnxPolicy.load(await exportOnnx(spec, null));
  try {
    await assert.rejects(
      () => policy.act([1, 2, 3]),
      /observation has 3 elements, expected 5 \(observation space \{"type":"box"/,
    );
    await assert.rejects(
      () => policy.act([[1, 2, 3, 4, 5], [1, 2, 3, 4]]),
      /observation row 1 has 4 elements, expected 5/,
    );
    await assert.rejects(
      () => policy.act([[1, 2, 3, 4, 5], [1, 2, NaN, 4, 5]]),
      /observation row 1, element 2 is NaN: observations must be finite numbers/,
    );
    // 1e39 is a finite double but +Infinity as float32: refused, not silently rounded.
    await assert.rejects(
      () => policy.act([[1, 2, 3, 4, 5], [1, 2, 3, 1e39, 5]]),
      /observation row 1, element 3 is 1e\+39: observations must be finite numbers that fit float32/,
    );
    await assert.rejects(
      () => policy.act([1, -1e39, 3, 4, 5]),
      /observation row 0, element 1 is -1e\+39: .*fit float32/,
    );
    // The largest float32 itself is accepted.
    assert.equal((await policy.act([1, 2, 3.4028234663852886e38, 4, 5])).actions.length, 1);
    await assert.rejects(
      () => policy.act(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, Infinity)),
      /observation row 1, element 4 is Infinity/,
    );
    await assert.rejects(
      () => policy.act(new Float32Array(7)),
      /a Float32Array of 7 numbers is not a whole number of observations of 5 elements/,
    );
    await assert.rejects(() => policy.act([]), /empty batch/);
    const two = await policy.act(new Float32Array(10));
    assert.equal(two.actions.length, 2);
  } finally {
    await policy.close();
  }
});

Deno.test("parity: ActorCritic with a discrete observation and multi-discrete or multi-binary actions equals ONNX Runtime", async () => {
  const actionSpaces: Space[] = [
    { type: "multi-discrete", nvec: [3, 2, 4] },
    { type: "multi-binary", n: 3 },
  ];
  for (const actionSpace of actionSpaces) {
    const ac = new ActorCritic({
      observationSpace: { type: "discrete", n: 7, start: -2 },
      actionSpace,
      hiddenSizes: [16],
      rng: new Rng(8),
    });
    // Larger output weights than the 0.01 initialisation, so that the arg-maxes differ by row.
    for (const p of ac.actor.parameters()) p.data.forEach((_, i) => p.data[i] = Math.sin(3 * i));
    const spec = ac.toSpec({ algorithm: "ppo", envId: "Parity-v0", timesteps: 0 });
    const policy = await OnnxPolicy.load(await exportOnnx(spec, null, { withValue: true }));
    try {
      const rows = 7;
      const obs = Float32Array.from({ length: rows }, (_, i) => i - 2);
      const buffers = ac.createActBuffers(rows);
      ac.act(obs, rows, new Rng(7), buffers, true, true);
      const raw = await policy.actRaw(obs, rows);
      const what = `ActorCritic discrete obs → ${actionSpace.type}`;
      assertClose(raw.logits.data as Float32Array, buffers.params, `${what} logits`);
      assertClose(raw.value.data as Float32Array, buffers.values, `${what} value`);
      assert.deepEqual(raw.action.dims, [rows, ac.actDim]);
      assert.deepEqual(Array.from(raw.action.data, Number), [...buffers.actions], what);
      assert.ok(new Set(Array.from(buffers.actions)).size > 1, `${what}: actions all equal`);
    } finally {
      await policy.close();
    }
  }
});

Deno.test("parity: the toolkit's ActorCritic and normaliser equal ONNX Runtime within 1e-5", async () => {
  const spaces: Space[] = [
    { type: "discrete", n: 3 },
    { type: "box", low: -1, high: 1, shape: [2] },
  ];
  for (const actionSpace of spaces) {
    for (const normalise of [false, true]) {
      const ac = new ActorCritic({
        observationSpace: { type: "box", low: -5, high: 5, shape: [5] },
        actionSpace,
        hiddenSizes: [32, 32],
        rng: new Rng(5),
      });
      const rng = new Rng(6);
      const normaliser = new ObservationNormalizer(5, { clip: 3 });
      const history = Float32Array.from(
        { length: 200 * 5 },
        (_, i) => (i % 5) + rng.normal() * (1 + (i % 5)),
      );
      normaliser.update(history, 200);
      const spec = ac.toSpec(
        { algorithm: "ppo", envId: "Parity-v0", timesteps: 0 },
        normalise ? normaliser.toSpec() : undefined,
      );
      const policy = await OnnxPolicy.load(
        await exportOnnx(spec, null, { withValue: true, clipActions: false }),
      );
      try {
        const rows = 37;
        const obs = randomObservations(rng, rows, 5);
        const input = obs.slice();
        if (normalise) normaliser.normalizeInPlace(input, rows);
        const buffers = ac.createActBuffers(rows);
        ac.act(input, rows, new Rng(7), buffers, true, true);
        const raw = await policy.actRaw(obs, rows);
        const what = `ActorCritic ${actionSpace.type}${normalise ? " + normaliser" : ""}`;
        const head = actionSpace.type === "discrete" ? "logits" : "mean";
        assertClose(raw[head].data as Float32Array, buffers.params, `${what} ${head}`);
        assertClose(raw.value.data as Float32Array, buffers.values, `${what} value`);
        const actions = raw.action.data instanceof BigInt64Array
          ? Array.from(raw.action.data, Number)
          : raw.action.data;
        assertClose(actions, buffers.actions, `${what} deterministic action`);
      } finally {
        await policy.close();
      }
    }
  }
});
