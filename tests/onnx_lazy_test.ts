/**
 * ONNX Runtime stays out of programs that do not run models: with an empty Deno cache,
 * importing the whole `onnx.ts` entry point and exporting a model downloads zod only.
 * The program lives in a folder without `deno.json`, as a user's would.
 * @module
 */
import assert from "node:assert/strict";
import { runWithFreshDenoDir } from "./fresh_deno_dir.ts";

Deno.test("importing onnx.ts and exporting a model does not download onnxruntime-node", async () => {
  const entry = new URL("../onnx.ts", import.meta.url).href;
  const testing = new URL("../policies/onnx/testing.ts", import.meta.url).href;
  const { output, stderr, packages } = await runWithFreshDenoDir("ascent_onnx_lazy_", [
    `import { exportOnnx, OnnxPolicy, readOnnxInfo } from "${entry}";`,
    `import { randomPolicySpec } from "${testing}";`,
    `const spec = randomPolicySpec({ seed: 1, obsShape: [4], action: { type: "discrete", n: 2 } });`,
    `const info = readOnnxInfo(await exportOnnx(spec, null));`,
    `console.log(JSON.stringify({ inputs: info.inputs.length, load: typeof OnnxPolicy.load }));`,
  ]);
  assert.deepEqual(output, { inputs: 1, load: "function" });
  assert.doesNotMatch(stderr, /onnxruntime/);
  assert.ok(packages.includes("zod"), `expected zod in ${packages}`);
  assert.ok(!packages.some((p) => p.startsWith("onnxruntime")), `downloaded: ${packages}`);
});
