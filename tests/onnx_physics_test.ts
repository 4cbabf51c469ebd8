/**
 * A MuJoCo and a Box2D policy, trained briefly by the toolkit, exported to ONNX and run by
 * ONNX Runtime through `evaluateOnnxPolicy` (the `infer` command's loop): the returns equal
 * those of the toolkit's reference forward pass on the same seeds, and the MuJoCo release
 * the dynamics depend on is in the model's metadata.
 * @module
 */
import assert from "node:assert/strict";
import { createAgent, resolveConfig } from "../algorithms/mod.ts";
import { evaluateOnnxPolicy } from "../cli/infer.ts";
import { exportOnnx } from "../policies/onnx/export.ts";
import { MetadataKey } from "../policies/onnx/metadata.ts";
import { OnnxPolicy } from "../policies/onnx/runtime.ts";
import { referenceReturns } from "./reference_returns.ts";

for (
  const [envId, simulator] of [
    ["InvertedPendulum-v5", "mujoco 3.12.0"],
    ["LunarLander-v3", null],
  ] as const
) {
  Deno.test(`infer: a trained ${envId} policy in ONNX Runtime earns the reference returns`, async () => {
    const config = resolveConfig("ppo", envId, "none", { seed: 1, numEnvs: 2, numSteps: 64 });
    const agent = createAgent("ppo", config);
    await agent.learn({ totalTimesteps: 256 });
    const spec = agent.toPolicySpec();
    await agent.close();
    const policy = await OnnxPolicy.load(await exportOnnx(spec, null));
    try {
      const metadata = policy.info().metadata;
      if (simulator === null) assert.equal(metadata[MetadataKey.simulator], undefined);
      else assert.equal(metadata[MetadataKey.simulator]?.toLowerCase(), simulator);
      const result = await evaluateOnnxPolicy(policy, envId, { episodes: 2, seed: 7 });
      const expected = await referenceReturns(spec, envId, 2, 7);
      for (let i = 0; i < 2; i++) {
        assert.ok(
          Math.abs(result.returns[i] - expected[i]) <= 1e-6 * Math.max(1, Math.abs(expected[i])),
          `${envId} episode ${i}: ONNX ${result.returns[i]} vs reference ${expected[i]}`,
        );
      }
    } finally {
      await policy.close();
    }
  });
}
