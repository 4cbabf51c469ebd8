/**
 * Deployment example: runs an exported Ascent policy with nothing but ONNX Runtime — no
 * toolkit import — to show that the `.onnx` file stands alone.
 *
 * The file's contract: one input `obs`, float32 [batch, ...observation shape] with a
 * dynamic batch; outputs `action` (int64 [batch] for discrete policies, float32
 * [batch, d] for continuous ones), `logits`/`probs` or `mean`/`log_std`, and `value` when
 * exported with it. Observation normalisation is inside the graph: feed raw observations.
 *
 * Node (in this folder): npm install --ignore-scripts && node deploy_onnx.mjs policy.onnx '[[0.1,0,0,0]]'
 * Deno (repository root): deno run --node-modules-dir=none --no-lock --allow-read --allow-ffi examples/deploy_node/deploy_onnx.mjs policy.onnx
 *
 * Without an observation argument it feeds one all-zero observation. It prints one JSON
 * object: the input shape, and every output as nested arrays.
 */
import { readFile } from "node:fs/promises";
import process from "node:process";

// Under Deno, npm packages need the npm: prefix; under Node, the installed package is used.
const specifier = "Deno" in globalThis ? "npm:onnxruntime-node@1.30.0" : "onnxruntime-node";
const ort = await import(specifier);

const [path, observationsJson] = process.argv.slice(2);
if (path === undefined) {
  console.error("usage: deploy_onnx.mjs POLICY.onnx ['[[obs...], ...]']");
  process.exit(2);
}

const session = await ort.InferenceSession.create(await readFile(path));
const input = session.inputMetadata.find((m) => m.name === "obs");
if (input === undefined || !input.isTensor) {
  throw new Error(`${path}: no tensor input named "obs" (inputs: ${session.inputNames})`);
}
const obsShape = input.shape.slice(1);
const obsDim = obsShape.reduce((a, b) => a * b, 1);

const rows = observationsJson ? JSON.parse(observationsJson) : [new Array(obsDim).fill(0)];
const data = Float32Array.from(rows.flat(Infinity));
if (data.length !== rows.length * obsDim) {
  throw new Error(`each observation needs ${obsDim} numbers (shape [${obsShape}])`);
}
const feeds = { obs: new ort.Tensor("float32", data, [rows.length, ...obsShape]) };
const results = await session.run(feeds);

/** Splits a flat output tensor into one entry per batch row. */
function perRow(tensor) {
  const values = Array.from(tensor.data, (v) => (typeof v === "bigint" ? Number(v) : v));
  const width = tensor.dims.slice(1).reduce((a, b) => a * b, 1);
  if (tensor.dims.length === 1) return values;
  return Array.from({ length: tensor.dims[0] }, (_, i) => values.slice(i * width, (i + 1) * width));
}

const outputs = {};
for (const name of session.outputNames) outputs[name] = perRow(results[name]);
console.log(JSON.stringify({ input: { name: "obs", shape: input.shape }, outputs }));
await session.release();
