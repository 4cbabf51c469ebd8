/**
 * Tests of the ONNX protobuf codec and `readOnnxInfo`: varints, encode → decode round trips,
 * and clear errors for truncated or corrupt bytes (no ONNX Runtime needed).
 * @module
 */
import assert from "node:assert/strict";
import { ProtoReader, ProtoWriter } from "../policies/onnx/wire.ts";
import { decodeModel, encodeModel } from "../policies/onnx/proto.ts";
import { buildPolicyModel, type ExportOptions } from "../policies/onnx/graph.ts";
import { readOnnxInfo } from "../policies/onnx/info.ts";
import { exportOnnx } from "../policies/onnx/export.ts";
import { MetadataKey } from "../policies/onnx/metadata.ts";
import { randomPolicySpec } from "../policies/onnx/testing.ts";
import { Rng } from "../random.ts";
import type { PolicySpec } from "../policies/spec.ts";

const discrete = (): PolicySpec =>
  randomPolicySpec({
    seed: 1,
    obsShape: [4],
    action: { type: "discrete", n: 3, start: -1 },
    normClip: 5,
  });
const box = (): PolicySpec =>
  randomPolicySpec({
    seed: 2,
    obsShape: [2, 3],
    action: { type: "box", low: [-1, -2], high: [1, Infinity], shape: [2] },
    activation: "relu",
  });

Deno.test("wire: varints round-trip, including negative and 53-bit values", () => {
  const values = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, -1, -300];
  const w = new ProtoWriter();
  values.forEach((v, i) => w.int(i + 1, v));
  const bytes = w.finish();
  const r = new ProtoReader(bytes, "Test");
  const back: number[] = [];
  while (r.more()) {
    const k = r.key();
    assert.equal(k.field, back.length + 1);
    back.push(r.int(k, "v"));
  }
  assert.deepEqual(back, values);
  // -1 as int64 takes ten varint bytes (two's complement), as protobuf writes it.
  const neg = new ProtoWriter();
  neg.varint(-1);
  assert.equal(neg.finish().length, 10);
});

Deno.test("proto: encode → decode → encode is the identity for exported models", () => {
  const cases: [PolicySpec, ExportOptions][] = [
    [discrete(), {}],
    [discrete(), { withValue: true, deterministic: false }],
    [box(), { clipActions: true, metadata: { note: "ünïcödé ✓" } }],
    [box(), { withValue: true, clipActions: false }],
  ];
  for (const [spec, options] of cases) {
    const model = buildPolicyModel(spec, options);
    const bytes = encodeModel(model);
    const decoded = decodeModel(bytes);
    assert.deepStrictEqual(decoded, model);
    assert.deepStrictEqual(encodeModel(decoded), bytes);
  }
});

Deno.test("readOnnxInfo: IR/opset, shapes, metadata and contract", async () => {
  const spec = box();
  const bytes = await exportOnnx(spec, null, { withValue: true, metadata: { owner: "lab" } });
  const info = readOnnxInfo(bytes);
  assert.equal(info.irVersion, 8);
  assert.deepEqual(info.opsetImports, [{ domain: "", version: 17 }]);
  assert.deepEqual(info.inputs, [{ name: "obs", dtype: "float32", shape: ["batch", 2, 3] }]);
  assert.deepEqual(info.outputs.map((o) => [o.name, o.dtype, o.shape.join()]), [
    ["action", "float32", "batch,2"],
    ["mean", "float32", "batch,2"],
    ["log_std", "float32", "batch,2"],
    ["value", "float32", "batch,1"],
  ]);
  assert.equal(info.metadata[MetadataKey.algorithm], "ppo");
  assert.equal(info.metadata[MetadataKey.envId], "Random-v0");
  assert.equal(info.metadata[MetadataKey.timesteps], "12345");
  assert.equal(info.metadata.owner, "lab");
  assert.deepEqual(JSON.parse(info.metadata[MetadataKey.actionSpace]), {
    type: "box",
    low: [-1, -2],
    high: [1, "Infinity"],
    shape: [2],
  });
  assert.equal(info.contract?.actionKind, "box");
  assert.equal(info.contract?.clipActions, true);
  assert.deepEqual(info.contract?.outputs.map((o) => o.name), info.outputs.map((o) => o.name));
  assert.ok(info.operators.includes("Gemm") && info.operators.includes("Flatten"));
});

Deno.test("readOnnxInfo: a truncated file names the byte offset and the field", async () => {
  const bytes = await exportOnnx(discrete(), null);
  const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
  assert.throws(() => readOnnxInfo(cut), (e: Error) => {
    assert.ok(e instanceof SyntaxError, String(e));
    assert.match(e.message, /at byte \d+ \(ModelProto\.graph/);
    assert.match(e.message, /truncated or corrupt/);
    return true;
  });
});

Deno.test("readOnnxInfo: corrupt and foreign bytes give clear errors", () => {
  const syntax = (message: RegExp) => ({ name: "SyntaxError", message });
  assert.throws(() => readOnnxInfo(new Uint8Array()), syntax(/the file is empty/));
  // Key 0x0b: field 1 with wire type 3 (groups), which ONNX never uses.
  assert.throws(
    () => readOnnxInfo(Uint8Array.from([0x0b, 0x01])),
    syntax(/at byte 0 \(ModelProto\): unsupported wire type 3 for field 1/),
  );
  // A varint that never ends.
  assert.throws(
    () => readOnnxInfo(Uint8Array.from([0x08, 0xff, 0xff])),
    syntax(/at byte 1 \(ModelProto\.ir_version\): truncated varint/),
  );
  assert.throws(
    () => readOnnxInfo(new TextEncoder().encode("PK\u0003\u0004 this is a zip file")),
    syntax(/invalid ONNX protobuf at byte \d+/),
  );
  // Well-formed protobuf that is not a model.
  const w = new ProtoWriter();
  w.string(2, "producer only");
  assert.throws(() => readOnnxInfo(w.finish()), syntax(/ir_version \(field 1\) is missing/));
});

Deno.test("readOnnxInfo: a malformed contract in the metadata is a SyntaxError naming the key", async () => {
  const model = decodeModel(await exportOnnx(discrete(), null));
  const withContract = (value: string) => {
    const props = model.metadataProps.filter((p) => p.key !== MetadataKey.contract);
    return encodeModel({
      ...model,
      metadataProps: [...props, { key: MetadataKey.contract, value }],
    });
  };
  assert.throws(() => readOnnxInfo(withContract("{not json")), {
    name: "SyntaxError",
    message: /ONNX metadata "ascent\.contract" is not JSON/,
  });
  assert.throws(() => readOnnxInfo(withContract('{"inputs": []}')), {
    name: "SyntaxError",
    message: /"ascent\.contract" lacks inputs, outputs or actionKind: \{"inputs": \[\]\}/,
  });
});

Deno.test("readOnnxInfo: every truncation and random corruption fails cleanly", async () => {
  const bytes = await exportOnnx(discrete(), null, { withValue: true });
  const clean = (e: unknown) => {
    assert.ok(
      e instanceof SyntaxError && /ONNX/.test(e.message),
      `unexpected error type: ${e}`,
    );
  };
  for (let n = 0; n < bytes.length; n += 7) {
    try {
      readOnnxInfo(bytes.subarray(0, n));
    } catch (e) {
      clean(e);
    }
  }
  const rng = new Rng(3);
  for (let trial = 0; trial < 300; trial++) {
    const corrupt = bytes.slice();
    for (let k = 0; k < 3; k++) corrupt[rng.integer(corrupt.length)] = rng.integer(256);
    try {
      readOnnxInfo(corrupt);
    } catch (e) {
      clean(e);
    }
  }
});
