/**
 * Tests of the ONNX graph builder and `exportOnnx`: graph structure, spec validation errors,
 * metadata and atomic writes (no ONNX Runtime needed).
 * @module
 */
import assert from "node:assert/strict";
import { buildPolicyModel } from "../policies/onnx/graph.ts";
import { exportOnnx } from "../policies/onnx/export.ts";
import { readOnnxInfo } from "../policies/onnx/info.ts";
import { randomPolicySpec } from "../policies/onnx/testing.ts";
import { DataType, type NodeProto } from "../policies/onnx/proto.ts";
import type { PolicySpec } from "../policies/spec.ts";

const ops = (nodes: NodeProto[]) => nodes.map((n) => n.opType);
const attr = (n: NodeProto | undefined, name: string) =>
  n?.attribute.find((a) => a.name === name)?.i;

Deno.test("graph: discrete policy with normalisation", () => {
  const spec = randomPolicySpec({
    seed: 1,
    obsShape: [4],
    action: { type: "discrete", n: 3 },
    hidden: [8, 8],
    normClip: 10,
  });
  const model = buildPolicyModel(spec, { withValue: true });
  const g = model.graph!;
  const o = ops(g.node);
  assert.deepEqual(o.slice(0, 3), ["Sub", "Div", "Clip"]);
  assert.equal(o.filter((x) => x === "Gemm").length, 6);
  assert.equal(o.filter((x) => x === "Tanh").length, 4);
  for (const n of g.node.filter((n) => n.opType === "Gemm")) assert.equal(attr(n, "transB"), 1);
  const argmax = g.node.find((n) => n.opType === "ArgMax");
  assert.equal(attr(argmax, "axis"), 1);
  assert.equal(attr(argmax, "keepdims"), 0);
  assert.equal(attr(g.node.find((n) => n.opType === "Softmax"), "axis"), 1);
  assert.deepEqual(g.output.map((v) => v.name), ["action", "logits", "probs", "value"]);
  // σ = √(var + ε) is stored, rounded to float32.
  const std = g.initializer.find((t) => t.name === "obs_norm.std")!;
  const stored = new Float32Array(std.rawData!.slice().buffer);
  assert.equal(stored[2], Math.fround(Math.sqrt(spec.obsNorm!.var[2] + 1e-8)));
  assert.equal(model.irVersion, 8);
  assert.deepEqual(model.opsetImport, [{ domain: "", version: 17 }]);
});

Deno.test("graph: multi-discrete head, one-hot discrete observation", () => {
  const spec = randomPolicySpec({
    seed: 2,
    obsShape: [1],
    observation: { type: "discrete", n: 5, start: 2 },
    action: { type: "multi-discrete", nvec: [3, 2, 4] },
    hidden: [8],
  });
  const g = buildPolicyModel(spec).graph!;
  const o = ops(g.node);
  assert.deepEqual(o.slice(0, 2), ["Equal", "Cast"]);
  const states = g.initializer.find((t) => t.name === "obs.states")!;
  assert.deepEqual([...new Float32Array(states.rawData!.slice().buffer)], [2, 3, 4, 5, 6]);
  assert.equal(g.initializer.find((t) => t.name === "actor.0.weight")!.dims[1], 5);
  const argmaxes = g.node.filter((n) => n.opType === "ArgMax");
  assert.equal(argmaxes.length, 3);
  for (const n of argmaxes) assert.equal(attr(n, "keepdims"), 1);
  assert.equal(o.filter((x) => x === "Slice").length, 6);
  assert.deepEqual(g.output.map((v) => v.name), ["action", "logits", "probs"]);
  assert.equal(g.output[0].elemType, DataType.INT64);
  assert.deepEqual(g.output[0].shape!.map((d) => d.param ?? d.value), ["batch", 3]);
  assert.deepEqual(g.output[1].shape!.map((d) => d.param ?? d.value), ["batch", 9]);
  const sampled = ops(buildPolicyModel(spec, { deterministic: false }).graph!.node);
  assert.equal(sampled.filter((x) => x === "RandomUniformLike").length, 1);
});

Deno.test("graph: no Clip for infinite normalisation clip; relu; box head", () => {
  const spec = randomPolicySpec({
    seed: 2,
    obsShape: [3],
    action: { type: "box", low: -1, high: 1, shape: [2] },
    activation: "relu",
    normClip: Infinity,
    critic: false,
  });
  const g = buildPolicyModel(spec).graph!;
  const o = ops(g.node);
  assert.ok(!o.slice(0, 3).includes("Clip"));
  assert.ok(o.includes("Relu") && !o.includes("Tanh"));
  assert.deepEqual(g.output.map((v) => v.name), ["action", "mean", "log_std"]);
  assert.deepEqual(o.slice(-2), ["Max", "Min"]);
  const unclipped = buildPolicyModel(spec, { clipActions: false }).graph!;
  assert.equal(unclipped.node.at(-1)!.opType, "Identity");
  const sampled = ops(buildPolicyModel(spec, { deterministic: false }).graph!.node);
  assert.ok(sampled.includes("RandomNormalLike"));
});

Deno.test("graph: an unbounded box action is never clipped", () => {
  const spec = randomPolicySpec({
    seed: 3,
    obsShape: [3],
    action: { type: "box", low: -Infinity, high: Infinity, shape: [2] },
  });
  const g = buildPolicyModel(spec, { clipActions: true }).graph!;
  assert.equal(g.node.at(-1)!.opType, "Identity");
});

Deno.test("exportOnnx: spec errors name the field", () => {
  const base = () =>
    randomPolicySpec({ seed: 4, obsShape: [4], action: { type: "discrete", n: 2 }, hidden: [5] });
  const cases: [string, (s: PolicySpec) => void, RegExp][] = [
    [
      "layer chain",
      (s) => s.actor.layers[1].inDim = 6,
      /actor\.layers\[1\]\.inDim is 6 but its input has width 5/,
    ],
    [
      "weight size",
      (s) => s.actor.layers[0].weight = new Float32Array(3),
      /actor\.layers\[0\]\.weight has 3 elements/,
    ],
    [
      "bias size",
      (s) => s.critic!.layers[1].bias = new Float32Array(2),
      /critic\.layers\[1\]\.bias has 2 elements/,
    ],
    [
      "first layer",
      (s) => s.observationSpace = { type: "box", low: 0, high: 1, shape: [3] },
      /actor\.layers\[0\]\.inDim is 4 but its input has width 3/,
    ],
    [
      "head width",
      (s) => s.actionSpace = { type: "discrete", n: 5 },
      /last layer has outDim 2, but the discrete action space has n = 5/,
    ],
    [
      "multi-discrete",
      (s) => s.actionSpace = { type: "multi-discrete", nvec: [2, 3] },
      /last layer has outDim 2, but the multi-discrete action space needs 5 logits/,
    ],
    [
      "norm length",
      (s) =>
        s.obsNorm = { mean: new Float64Array(2), var: new Float64Array(2), epsilon: 1e-8, clip: 5 },
      /obsNorm has mean\/var of length 2\/2, but the observation has 4/,
    ],
    [
      "norm var",
      (s) =>
        s.obsNorm = {
          mean: new Float64Array(4),
          var: Float64Array.of(1, 1, -1, 1),
          epsilon: 0,
          clip: 5,
        },
      /var\[2\] \+ epsilon\) = NaN/,
    ],
  ];
  for (const [name, mutate, pattern] of cases) {
    const spec = base();
    mutate(spec);
    assert.throws(() => buildPolicyModel(spec, { withValue: true }), pattern, name);
  }
  const box = randomPolicySpec({
    seed: 5,
    obsShape: [2],
    action: { type: "box", low: -1, high: 1, shape: [3] },
    critic: false,
  });
  assert.throws(
    () => buildPolicyModel(box, { withValue: true }),
    /withValue is true but PolicySpec\.critic is missing/,
  );
  assert.throws(
    () => buildPolicyModel(box, { metadata: { "ascent.version": "x" } }),
    /metadata key "ascent\.version" is reserved/,
  );
  delete box.logStd;
  assert.throws(
    () => buildPolicyModel(box),
    /logStd must have 3 elements for a box action space, got none/,
  );
});

Deno.test("exportOnnx: writes atomically and names the path on failure", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_onnx_export_" });
  try {
    const spec = randomPolicySpec({ seed: 6, obsShape: [4], action: { type: "discrete", n: 2 } });
    const path = `${dir}/policy.onnx`;
    const bytes = await exportOnnx(spec, path, { metadata: { run: "7" } });
    assert.deepEqual(await Deno.readFile(path), bytes);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(names, ["policy.onnx"]);
    assert.equal(readOnnxInfo(bytes).metadata.run, "7");
    await assert.rejects(
      () => exportOnnx(spec, `${dir}/missing/policy.onnx`),
      /exportOnnx: cannot write ".*missing\/policy\.onnx"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exportOnnx: accepts anything with toPolicySpec() (an agent)", async () => {
  const spec = randomPolicySpec({ seed: 7, obsShape: [4], action: { type: "discrete", n: 2 } });
  const agent = { toPolicySpec: () => spec };
  assert.deepEqual(await exportOnnx(agent, null), await exportOnnx(spec, null));
});
