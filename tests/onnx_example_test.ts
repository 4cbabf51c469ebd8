/**
 * The deployment example (`examples/deploy_node/deploy_onnx.mjs`) runs an exported policy
 * with only ONNX Runtime — under Deno, and under plain Node.js from its own npm project
 * installed as its README says — and its outputs equal the toolkit's `OnnxPolicy.act`.
 * @module
 */
import assert from "node:assert/strict";
import { exportOnnx } from "../policies/onnx/export.ts";
import { OnnxPolicy } from "../policies/onnx/runtime.ts";
import { randomPolicySpec } from "../policies/onnx/testing.ts";
import type { Space } from "../envs/spaces.ts";

Deno.test("examples/deploy_node/deploy_onnx.mjs runs an exported policy without the toolkit", async () => {
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
    const example = new URL("../examples/deploy_node/deploy_onnx.mjs", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--node-modules-dir=none",
        "--no-lock",
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

/** Runs `cmd` and returns its decoded stdout, failing with its stderr when it exits non-zero. */
async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")} failed in ${cwd}:\n${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

Deno.test("examples/deploy_node: npm install --ignore-scripts, then plain node acts like the toolkit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_deploy_node_" });
  try {
    // A copy of the example folder, installed exactly as its README says.
    const source = new URL("../examples/deploy_node/", import.meta.url);
    for (const name of ["package.json", "deploy_onnx.mjs"]) {
      await Deno.copyFile(new URL(name, source), `${dir}/${name}`);
    }
    await run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund"], dir);

    const cases: { action: Space; obsShape: number[]; normClip?: number }[] = [
      { action: { type: "discrete", n: 2 }, obsShape: [4] },
      { action: { type: "box", low: -1, high: 1, shape: [2] }, obsShape: [3], normClip: 10 },
    ];
    for (const [i, c] of cases.entries()) {
      const path = `${dir}/policy${i}.onnx`;
      const spec = randomPolicySpec({ seed: 60 + i, ...c });
      await exportOnnx(spec, path);
      const observations = Array.from(
        { length: 5 },
        (_, r) => Array.from({ length: c.obsShape[0] }, (_, k) => Math.sin(3 * r + k)),
      );
      const printed = JSON.parse(
        (await run("node", ["deploy_onnx.mjs", path, JSON.stringify(observations)], dir)).trim(),
      );
      const policy = await OnnxPolicy.load(path);
      try {
        const direct = await policy.act(observations);
        const expected = direct.actions.map((a) => typeof a === "number" ? a : Array.from(a));
        assert.deepEqual(printed.outputs.action, expected, `case ${i} (${c.action.type})`);
        assert.equal(expected.length, observations.length);
      } finally {
        await policy.close();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
