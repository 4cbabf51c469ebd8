/**
 * Tests of `deno task infer` (`cli/infer.ts`): an exported deterministic policy run through
 * ONNX Runtime earns exactly the returns of the reference forward pass on the same seeds;
 * the command runs with `--allow-read --allow-ffi` only and prints a final JSON line.
 * @module
 */
import assert from "node:assert/strict";
import { evaluateOnnxPolicy } from "../cli/infer.ts";
import type { Action } from "../envs/mod.ts";
import { exportOnnx } from "../policies/onnx/export.ts";
import { OnnxPolicy } from "../policies/onnx/runtime.ts";
import { randomPolicySpec } from "../policies/onnx/testing.ts";
import { referenceReturns } from "./reference_returns.ts";

const cartPole = () => {
  const spec = randomPolicySpec({
    seed: 41,
    obsShape: [4],
    action: { type: "discrete", n: 2 },
    hidden: [16],
    normClip: 10,
  });
  spec.provenance.envId = "CartPole-v1";
  spec.obsNorm = {
    mean: Float64Array.of(0.01, -0.02, 0.001, 0.03),
    var: Float64Array.of(1, 4, 0.5, 2),
    epsilon: 1e-8,
    clip: 10,
  };
  // A balancing actor (push toward the pole's fall), so episodes are long and differ.
  spec.actor = {
    activation: "tanh",
    layers: [{
      inDim: 4,
      outDim: 2,
      weight: Float32Array.of(0, 0, 0, 0, -0.5, 0, 3, 0.2),
      bias: Float32Array.of(0, 0),
    }],
  };
  return spec;
};

Deno.test("infer: ONNX Runtime returns equal the reference forward pass on the same seeds", async () => {
  const pendulum = randomPolicySpec({
    seed: 42,
    obsShape: [3],
    action: { type: "box", low: -2, high: 2, shape: [1] },
    hidden: [16],
  });
  for (
    const [spec, envId, episodes] of [[cartPole(), "CartPole-v1", 5], [
      pendulum,
      "Pendulum-v1",
      2,
    ]] as const
  ) {
    const policy = await OnnxPolicy.load(await exportOnnx(spec, null));
    try {
      const result = await evaluateOnnxPolicy(policy, envId, { episodes, seed: 7 });
      const expected = await referenceReturns(spec, envId, episodes, 7);
      for (let i = 0; i < episodes; i++) {
        assert.ok(
          Math.abs(result.returns[i] - expected[i]) <= 1e-6 * Math.max(1, Math.abs(expected[i])),
          `${envId} episode ${i}: ONNX ${result.returns[i]} vs reference ${expected[i]}`,
        );
      }
      const mean = expected.reduce((a, b) => a + b, 0) / episodes;
      assert.ok(Math.abs(result.meanReturn - mean) <= 1e-6 * Math.max(1, Math.abs(mean)));
    } finally {
      await policy.close();
    }
  }
});

Deno.test("infer: mismatched environment is a clear error", async () => {
  const policy = await OnnxPolicy.load(await exportOnnx(cartPole(), null));
  try {
    await assert.rejects(
      () => evaluateOnnxPolicy(policy, "Pendulum-v1", { episodes: 1 }),
      /environment "Pendulum-v1" has observations of 3 elements, the model expects 4/,
    );
  } finally {
    await policy.close();
  }
});

Deno.test("infer: the command needs only --allow-read and --allow-ffi", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_infer_" });
  try {
    const path = `${dir}/policy.onnx`;
    await exportOnnx(cartPole(), path);
    const cli = new URL("../cli/infer.ts", import.meta.url).pathname;
    const run = (...args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", `--allow-read=${path}`, "--allow-ffi", cli, ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const out = await run(path, "--episodes", "3", "--seed", "7");
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const last = JSON.parse(stdout.trim().split("\n").at(-1)!);
    assert.equal(last.env, "CartPole-v1");
    assert.equal(last.episodes, 3);
    assert.deepEqual(last.returns, await referenceReturns(cartPole(), "CartPole-v1", 3, 7));
    assert.match(stdout, /^episode 2 \(seed 9\): return [\d.]+, length \d+$/m);
    assert.match(stdout, /CartPole-v1: [\d.]+ ± [\d.]+ over 3 deterministic episodes \(seeds 7…\)/);

    const bad = await run(path, "--episodes", "zero");
    assert.equal(bad.code, 2);
    assert.match(
      new TextDecoder().decode(bad.stderr),
      /--episodes: expected an integer, got "zero"/,
    );
    const missing = await run(`${dir}/nope.onnx`);
    assert.equal(missing.code, 1);
    assert.match(new TextDecoder().decode(missing.stderr), /cannot read ONNX model ".*nope\.onnx"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("infer: a trained multi-discrete policy and a chain with plain-number observations", async () => {
  const { createAgent, evaluate } = await import("../algorithms/mod.ts");
  const { CHAIN_KEY } = await import("./algorithms_toy_envs.ts");
  const { listEnvs, register } = await import("../envs/mod.ts");
  if (!listEnvs().some((s) => s.id === "TestNumberChain-v0")) {
    // TestChain-v0's MDP, but observations are plain numbers (as some discrete envs return).
    register({
      id: "TestNumberChain-v0",
      maxEpisodeSteps: 16,
      create: () => {
        let s = 0;
        const number = (x: number) => x as unknown as Float32Array;
        return {
          observationSpace: { type: "discrete", n: 5 },
          actionSpace: { type: "discrete", n: 2 },
          reset: () => ({ observation: number(s = 0), info: {} }),
          step: (a: Action) => {
            if (a === CHAIN_KEY[s]) s++;
            return {
              observation: number(s),
              reward: -1,
              terminated: s === 4,
              truncated: false,
              info: {},
            };
          },
        };
      },
    });
  }
  const cases: [string, number, number][] = [
    ["TestMultiBandit-v0", 3000, 3],
    ["TestNumberChain-v0", 8000, -4],
  ];
  for (const [envId, steps, optimum] of cases) {
    const agent = createAgent("ppo", {
      env: envId,
      seed: 3,
      hiddenSizes: [16],
      numEnvs: 4,
      numSteps: 16,
      learningRate: 0.01,
      entCoef: 0,
    });
    await agent.learn({ totalTimesteps: steps });
    const direct = await evaluate(agent, envId, { episodes: 2, deterministic: true });
    assert.equal(direct.mean, optimum, `${envId}: the agent's own return`);
    const policy = await OnnxPolicy.load(await exportOnnx(agent, null));
    try {
      const result = await evaluateOnnxPolicy(policy, envId, { episodes: 2, seed: 1 });
      assert.deepEqual(result.returns, [optimum, optimum], `${envId}: ONNX returns`);
    } finally {
      await policy.close();
      await agent.close();
    }
  }
});
