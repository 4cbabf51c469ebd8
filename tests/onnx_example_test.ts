/**
 * The deployment example (`examples/deploy_onnx.mjs`) runs an exported policy with only
 * ONNX Runtime, and its outputs equal the toolkit's `OnnxPolicy.act`.
 * @module
 */
import assert from "node:assert/strict";
import { exportOnnx } from "../policies/onnx/export.ts";
import { OnnxPolicy } from "../policies/onnx/runtime.ts";
import { randomPolicySpec } from "../policies/onnx/testing.ts";

Deno.test("examples/deploy_onnx.mjs runs an exported policy without the toolkit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_deploy_" });
  try {
    const path = `${dir}/policy.onnx`;
    const spec = randomPolicySpec({
      seed: 51,
      obsShape: [3],
      action: { type: "discrete", n: 3 },
      normClip: 5,
    });
    await exportOnnx(spec, path, { withValue: true });
    const observations = [[0.5, -1, 2], [0, 0, 0]];
    const example = new URL("../examples/deploy_onnx.mjs", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-read=${path}`,
        "--allow-ffi",
        example,
        path,
        JSON.stringify(observations),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const printed = JSON.parse(new TextDecoder().decode(out.stdout).trim());
    assert.deepEqual(printed.input.shape, ["batch", 3]);
    const policy = await OnnxPolicy.load(path);
    try {
      const direct = await policy.act(observations);
      assert.deepEqual(printed.outputs.action, direct.actions);
      assert.deepEqual(printed.outputs.probs, direct.probs!.map((r) => Array.from(r)));
      assert.deepEqual(printed.outputs.value.map((r: number[]) => r[0]), direct.value);
    } finally {
      await policy.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
