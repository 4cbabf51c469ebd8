/**
 * The command-line tools end to end, as a user runs them: `train` writes a complete run
 * folder, `eval` re-evaluates it, `export` writes an ONNX file, and `infer` runs that file
 * through ONNX Runtime with the same returns as the toolkit's own evaluation on the same
 * seeds. Bad flags and values exit non-zero with a message that names them.
 */
import assert from "node:assert/strict";
import { describeFields, trpoSchema } from "../algorithms/mod.ts";

const root = new URL("../", import.meta.url).pathname;

async function run(script: string, args: string[], permissions = ["-A"]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, `${root}cli/${script}`, ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function lastJson(text: string): Record<string, unknown> {
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

Deno.test("train → eval → export → infer: one run folder, equal returns on equal seeds", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent-cli-" });
  try {
    const out = `${dir}/run`;
    const train = await run("train.ts", [
      "--steps",
      "4096",
      "--seed",
      "7",
      "--out",
      out,
      "--eval-episodes",
      "3",
      "--quiet",
    ], ["--allow-read", "--allow-write", "--allow-net=127.0.0.1"]);
    assert.equal(train.code, 0, train.stderr);
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    for (
      const key of [
        "algo",
        "env",
        "seed",
        "timesteps",
        "wallSeconds",
        "sps",
        "evalMeanReturn",
        "evalStdReturn",
        "evalEpisodes",
      ]
    ) assert.ok(key in summary, `summary.json lacks ${key}`);
    assert.equal(summary.algo, "ppo");
    assert.equal(summary.env, "CartPole-v1");
    assert.ok(summary.timesteps >= 4096);
    for (const f of ["config.json", "metrics.jsonl", "learning-curve.svg", "policy.onnx"]) {
      assert.ok((await Deno.stat(`${out}/${f}`)).size > 0, `${f} is empty`);
    }
    const metrics = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim().split("\n");
    assert.ok(metrics.length >= 2, "one metrics line per update");
    assert.ok("approxKl" in JSON.parse(metrics[0]));

    const evaluation = await run("eval.ts", [out, "--episodes", "4", "--seed", "500"]);
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const evalJson = lastJson(evaluation.stdout);

    const exported = await run("export.ts", [out, "--out", `${dir}/p.onnx`, "--with-value"]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /outputs action, logits, probs, value/);

    const infer = await run(
      "infer.ts",
      [`${dir}/p.onnx`, "--env", "CartPole-v1", "--episodes", "4", "--seed", "500"],
      [`--allow-read`, "--allow-ffi"],
    );
    assert.equal(infer.code, 0, infer.stderr);
    const inferJson = lastJson(infer.stdout);
    assert.equal(inferJson.meanReturn, evalJson.mean, "ONNX Runtime and toolkit disagree");
    assert.equal(inferJson.stdReturn, evalJson.std);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train: unknown flags, algorithms, env ids and bad values exit non-zero, naming them", async () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /--bogus/],
    [["--algo", "nope"], /unknown algorithm "nope"/],
    [["--steps", "ten"], /--steps.*"ten"/],
    [["--env", "CartPol-v1", "--steps", "10"], /CartPol-v1.*did you mean CartPole-v1/],
    [["--set", "learningRate=-1", "--steps", "10"], /learningRate/],
    [["--preset", "fast", "--steps", "10"], /unknown preset "fast"/],
    [["--resume", "/nonexistent/run"], /\/nonexistent\/run\/config\.json/],
  ];
  for (const [args, pattern] of cases) {
    const r = await run("train.ts", [...args, "--quiet"]);
    assert.notEqual(r.code, 0, `train ${args.join(" ")} should fail`);
    assert.match(r.stderr, pattern, `train ${args.join(" ")}: ${r.stderr}`);
  }
});

Deno.test("train --help documents every flag", async () => {
  const r = await run("train.ts", ["--help"]);
  assert.equal(r.code, 0);
  for (const flag of ["--algo", "--env", "--steps", "--seed", "--out", "--preset", "--config"]) {
    assert.ok(r.stdout.includes(flag), `--help lacks ${flag}`);
  }
  for (const flag of ["--set", "--plugin", "--quiet", "--resume", "--checkpoint-every"]) {
    assert.ok(r.stdout.includes(flag), `--help lacks ${flag}`);
  }
});

Deno.test("train --algo X --help lists every hyper-parameter of X from its schema", async () => {
  const r = await run("train.ts", ["--algo", "trpo", "--help"]);
  assert.equal(r.code, 0);
  const rows = new Map(
    r.stdout.split("\n").map((l) => l.trim().split(/\s{2,}/)).map((c) => [c[0], c.slice(1)]),
  );
  for (const f of describeFields(trpoSchema)) {
    assert.deepEqual(rows.get(f.name), [f.type, f.default, f.description], f.name);
    assert.ok(f.description.length > 0, `${f.name} has a description`);
  }
  assert.deepEqual(rows.get("backtrackCoef")?.slice(0, 2), ["number in (0, 1)", "0.8"]);
  assert.deepEqual(rows.get("cgIters")?.slice(0, 2), ["integer > 0", "10"]);
  const bad = await run("train.ts", ["--algo", "nope", "--help"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unknown algorithm "nope"/);
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function metricLines(path: string): Promise<number> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

/** Starts `train.ts` in the background and waits until it has logged a few updates. */
async function startTraining(out: string, extra: string[] = []): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${root}cli/train.ts`,
      "--steps",
      "5000000",
      "--checkpoint-every",
      "2048",
      "--out",
      out,
      "--quiet",
      ...extra,
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await waitFor(async () => (await metricLines(`${out}/metrics.jsonl`)) >= 8, "8 updates");
  return child;
}

Deno.test("train: Ctrl-C saves a checkpoint and exits 130; --resume continues from it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent-sigint-" });
  try {
    const out = `${dir}/run`;
    const child = await startTraining(out);
    child.kill("SIGINT");
    const status = await child.output();
    const stderr = new TextDecoder().decode(status.stderr);
    assert.equal(status.code, 130, stderr);
    assert.match(stderr, /checkpoint saved in .*checkpoint/);
    assert.match(stderr, /--resume/);
    const logged = await metricLines(`${out}/metrics.jsonl`);
    const resumed = await run("train.ts", ["--resume", out, "--steps", "30000", "--quiet"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assert.equal(summary.resumed, true);
    assert.ok(summary.timesteps >= 30000);
    assert.ok((await metricLines(`${out}/metrics.jsonl`)) > logged);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train: after kill -9 the last checkpoint is complete and --resume continues", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent-sigkill-" });
  try {
    const out = `${dir}/run`;
    const child = await startTraining(out);
    const checkpoint = `${out}/checkpoint/checkpoint.safetensors`;
    await waitFor(() => Deno.stat(checkpoint).then(() => true, () => false), "a checkpoint");
    await waitFor(async () => (await metricLines(`${out}/metrics.jsonl`)) >= 24, "more updates");
    child.kill("SIGKILL");
    const status = await child.output();
    assert.notEqual(status.code, 0);
    const leftovers = [...Deno.readDirSync(`${out}/checkpoint`)].map((e) => e.name);
    assert.ok(leftovers.includes("checkpoint.safetensors"), `checkpoint dir: ${leftovers}`);
    const resumed = await run("train.ts", ["--resume", out, "--steps", "30000", "--quiet"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(await Deno.readTextFile(`${out}/summary.json`)).resumed, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
