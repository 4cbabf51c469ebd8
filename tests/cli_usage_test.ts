/**
 * Usage errors across commands: exit code 2 with a plain message naming what was wrong
 * ("did you mean" for flags, plain words for negative numbers, namespaced env ids whose
 * plugin is not loaded), and `--help` working on every command.
 * @module
 */
import assert from "node:assert/strict";
import { ROOT, runCommand, runScript } from "./cli_helpers.ts";

const cli = (script: string, ...args: string[]) => runScript(Deno.cwd(), script, ...args);

Deno.test("train: usage errors exit 2 with plain, specific messages", async () => {
  const cases: [string[], RegExp][] = [
    [["--step", "100"], /unknown flag --step; did you mean --steps\?/],
    [["--steps", "-5"], /--steps: must be at least 1, got -5/],
    [["--steps"], /--steps needs a value/],
    [["--env", "CartPol-v1"], /CartPol-v1.*is not registered; did you mean CartPole-v1/],
    [["--env", "acme/Corridor-v0"], /namespace acme is not loaded.*--plugin SPEC/],
    [["--algo", "ppx"], /unknown algorithm "ppx"/],
    [["--set", "nosuchkey=1", "--steps", "100"], /nosuchkey/],
    [
      ["--set", "learningrate=1e-3"],
      /--set: unknown key "learningrate"; did you mean learningRate\?/,
    ],
    [["--set", "clip_coef=0.1"], /"clip_coef": that is CleanRL's name for clipCoef/],
    [["--set", "n_steps=64"], /"n_steps": that is SB3's name for numSteps/],
    [["--set", "batch_size=64"], /SB3's batch_size is the minibatch size/],
    [["--set", "learning_rate=0.1"], /given learning_rate=0\.1 in --set/],
  ];
  for (const [args, message] of cases) {
    const r = await cli("cli/train.ts", "--quiet", "--out", "/nonexistent/never", ...args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.doesNotMatch(r.stderr, /Uncaught|at file:/, "no stack trace for a usage error");
  }
});

Deno.test("train --config FILE: an unknown key names the file and the file's value", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_cfgkey_" });
  try {
    await Deno.writeTextFile(`${dir}/c.json`, JSON.stringify({ learningRate: 0.01, num_envs: 3 }));
    const r = await cli("cli/train.ts", "--config", `${dir}/c.json`, "--set", "num_envs=5");
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--config ${dir}/c\\.json: unknown key "num_envs"`));
    assert.match(r.stderr, /CleanRL's name for numEnvs.*given num_envs=3 in --config/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eval, export, infer and replay: unknown flags exit 2 and suggest", async () => {
  for (const script of ["cli/eval.ts", "cli/export.ts", "cli/infer.ts", "cli/replay.ts"]) {
    const r = await cli(script, "--episods", "3", "x");
    assert.equal(r.code, 2, `${script}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, /unknown flag --episods/, script);
  }
});

Deno.test("every command answers --help with exit 0", async () => {
  for (
    const script of [
      "cli/train.ts",
      "cli/eval.ts",
      "cli/export.ts",
      "cli/infer.ts",
      "cli/serve.ts",
      "cli/envs.ts",
      "cli/replay.ts",
      "examples/theory.ts",
    ]
  ) {
    const r = await cli(script, "--help");
    assert.equal(r.code, 0, `${script} --help: exit ${r.code}\n${r.stderr}`);
    assert.ok(r.stdout.trim().length > 40, `${script} --help printed: ${r.stdout}`);
  }
});

Deno.test("serve --host another interface, with the task's permissions: exit 2 naming the deno run line", async () => {
  const out = await runCommand(Deno.execPath(), [
    "run",
    "--allow-read",
    "--allow-ffi",
    "--allow-net=127.0.0.1",
    "--no-prompt",
    `${ROOT}cli/serve.ts`,
    "policy.onnx",
    "--host",
    "0.0.0.0",
  ], Deno.cwd());
  const stderr = out.stderr;
  assert.equal(out.code, 2, stderr);
  assert.match(stderr, /may not listen on 0\.0\.0\.0/);
  assert.match(
    stderr,
    /--allow-net=0\.0\.0\.0 --no-prompt cli\/serve\.ts FILE\.onnx --host 0\.0\.0\.0/,
  );
});

Deno.test("every command task but replay runs with --no-prompt (no permission prompt in a terminal)", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as {
    tasks: Record<string, string>;
  };
  const commands = Object.entries(tasks).filter(([, line]) => / cli\/\w+\.ts/.test(line));
  assert.ok(commands.some(([name]) => name === "serve"), "the serve task is a command");
  for (const [name, line] of commands) {
    if (/ cli\/replay\w*\.ts/.test(line)) continue; // draws in the terminal; documented
    assert.match(line, /\s--no-prompt\s/, `task ${name}: ${line}`);
  }
});
