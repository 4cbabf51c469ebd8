/**
 * `eval` and `infer` share their defaults (episodes, held-out seeds, printing), and `infer`
 * makes the environment with the options the policy was trained with (stored in the ONNX
 * metadata): on the same run they report the same per-episode returns without any flag.
 * @module
 */
import assert from "node:assert/strict";
import { readOnnxInfo } from "../policies/onnx/mod.ts";

const root = new URL("../", import.meta.url);

async function cli(cwd: string, script: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, root).pathname, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, `${script} ${args.join(" ")}: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

Deno.test("eval and infer: same default seeds and episodes, infer uses the trained env options", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ascent_eval_infer_" });
  try {
    await cli(
      cwd,
      "cli/train.ts",
      "--steps",
      "2048",
      "--seed",
      "4",
      "--name",
      "sb",
      "--quiet",
      "--eval-episodes",
      "1",
      "--set",
      'envOptions={"suttonBartoReward":true}',
    );
    const info = readOnnxInfo(await Deno.readFile(`${cwd}/runs/sb/policy.onnx`));
    assert.equal(info.metadata["ascent.env_options"], '{"suttonBartoReward":true}');
    assert.equal(info.metadata["ascent.seed"], "4");

    const evalOut = await cli(cwd, "cli/eval.ts", "runs/sb");
    const inferOut = await cli(cwd, "cli/infer.ts", "runs/sb/policy.onnx");
    const evalJson = JSON.parse(evalOut.trim().split("\n").at(-1)!);
    const inferJson = JSON.parse(inferOut.trim().split("\n").at(-1)!);
    assert.equal(evalJson.episodes, 20);
    assert.equal(inferJson.episodes, 20);
    assert.equal(evalJson.seed, 1_000_004);
    assert.equal(inferJson.seed, 1_000_004);
    assert.deepEqual(inferJson.returns, evalJson.returns);
    // Sutton & Barto's reward: 0 per step, −1 on termination, so no return is positive.
    assert.ok(inferJson.returns.every((r: number) => r <= 0), `returns ${inferJson.returns}`);
    for (const out of [evalOut, inferOut]) {
      assert.match(out, /^episode 19 \(seed 1000023\): return -?\d+\.\d\d, length \d+$/m);
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
