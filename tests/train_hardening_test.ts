/**
 * The training command's hardening, end to end: the sandbox recorded in `config.json` and
 * reapplied by `eval` (only `--no-sandbox` lowers it), `--force` clearing what it
 * replaces, resume saying what it drops from `metrics.jsonl` (and refusing a log that
 * disagrees with the checkpoint), stray temporary files removed, a first Ctrl-C cutting a
 * hung environment wait short, and a second one exiting even when the main thread is
 * stuck in an unsandboxed plugin's loop.
 * @module
 */
import assert from "node:assert/strict";
import { loadCheckpoint } from "../policies/checkpoint.ts";
import { readOnnxInfo } from "../policies/onnx/info.ts";
import { type CliResult, runCommand } from "./cli_helpers.ts";

const root = new URL("../", import.meta.url).pathname;
const fixtures = `${root}tests/fixtures/plugins`;
const PERMS = ["--allow-read", "--allow-write", "--allow-net=127.0.0.1", "--allow-run=deno"];

function command(script: string, args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...PERMS, `${root}cli/${script}`, ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  });
}

const run = (script: string, args: string[]) =>
  runCommand(Deno.execPath(), ["run", "--no-prompt", ...PERMS, `${root}cli/${script}`, ...args]);

const lastJson = (text: string) => JSON.parse(text.trim().split("\n").at(-1)!);

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "ascent_train_hardening_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The probe's episode return in `r`'s JSON line: 0 sandboxed, 5 in process (no sandbox). */
function assertProbeReturn(r: CliResult, field: "mean" | "meanReturn", sandboxed: boolean) {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    lastJson(r.stdout)[field],
    sandboxed ? 0 : 5,
    sandboxed ? "sandboxed" : "in process",
  );
  if (!sandboxed) {
    assert.match(r.stderr, /ran in the sandbox when this run was trained; --no-sandbox/);
  }
}

const probeRun = (out: string, extra: string[] = []) =>
  run("train.ts", [
    "--plugin",
    `${fixtures}/trust_probe.ts`,
    "--env",
    "trust/Probe-v0",
    "--algo",
    "a2c",
    "--steps",
    "200",
    "--checkpoint-every",
    "40",
    "--eval-episodes",
    "1",
    "--out",
    out,
    "--quiet",
    ...extra,
  ]);

Deno.test("train: the sandbox is recorded in config.json and reapplied by --resume and eval; --no-sandbox lowers it with a warning", async () => {
  await withDir(async (dir) => {
    const out = `${dir}/run`;
    const train = await probeRun(out, ["--sandbox", "--no-onnx", "--set", "numEnvs=2"]);
    assert.equal(train.code, 0, train.stderr);
    const sandboxed = [`file://${fixtures}/trust_probe.ts`];
    const config = () => Deno.readTextFile(`${out}/config.json`).then(JSON.parse);
    assert.deepEqual((await config()).sandboxedPlugins, sandboxed);
    assert.equal(lastJson(train.stdout).evalMeanReturn, 0, "trained sandboxed");
    const resumed = await run("train.ts", ["--resume", out, "--steps", "240", "--quiet"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(lastJson(resumed.stdout).evalMeanReturn, 0, "resumed sandboxed");
    assert.deepEqual((await config()).sandboxedPlugins, sandboxed, "still recorded");
    assertProbeReturn(await run("eval.ts", [out, "--episodes", "1"]), "mean", true);
    const lowered = await run("eval.ts", [out, "--episodes", "1", "--no-sandbox"]);
    assertProbeReturn(lowered, "mean", false);
  });
});

Deno.test("infer: a policy trained with a sandboxed plugin runs it sandboxed wherever the file is; refused when the sandbox cannot start, lowered only by --no-sandbox", async () => {
  await withDir(async (dir) => {
    const out = `${dir}/run`;
    const train = await probeRun(out, ["--sandbox", "--set", "numEnvs=1"]);
    assert.equal(train.code, 0, train.stderr);
    await Deno.mkdir(`${dir}/elsewhere`);
    const copy = `${dir}/elsewhere/policy.onnx`;
    await Deno.copyFile(`${out}/policy.onnx`, copy);
    const exported = await run("export.ts", [out, "--out", `${dir}/elsewhere/exported.onnx`]);
    assert.equal(exported.code, 0, exported.stderr);
    const source = `file://${fixtures}/trust_probe.ts`;
    for (const file of [copy, `${dir}/elsewhere/exported.onnx`]) {
      const meta = readOnnxInfo(await Deno.readFile(file)).metadata;
      assert.deepEqual(JSON.parse(meta["ascent.plugins"]), [source], file);
      assert.deepEqual(JSON.parse(meta["ascent.sandboxed_plugins"]), [source], file);
    }
    const infer = (perms: string[], extra: string[] = []) =>
      runCommand(Deno.execPath(), [
        ...["run", "--no-prompt", ...perms, `${root}cli/infer.ts`, copy],
        ...["--episodes", "1", ...extra],
      ], dir);
    const all = ["--allow-read", "--allow-ffi", "--allow-net", "--allow-run=deno"];
    assertProbeReturn(await infer(all), "meanReturn", true);
    // The sandbox cannot start without --allow-run: refused, not run in process.
    const refused = await infer(["--allow-read", "--allow-ffi", "--allow-net"]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /could not be loaded in the sandbox they ran in/);
    assert.match(refused.stderr, /--allow-run/);
    assertProbeReturn(await infer(all, ["--no-sandbox"]), "meanReturn", false);
  });
});

Deno.test("train: --force clears the replaced run; resume reports dropped metrics and removes stray temporary files", async () => {
  await withDir(async (dir) => {
    const out = `${dir}/run`;
    const first = await probeRun(out);
    assert.equal(first.code, 0, first.stderr);
    await Deno.stat(`${out}/policy.onnx`);
    const forced = await probeRun(out, ["--force", "--no-onnx"]);
    assert.equal(forced.code, 0, forced.stderr);
    await assert.rejects(Deno.stat(`${out}/policy.onnx`), Deno.errors.NotFound, "old policy left");
    // Resume: lines after the checkpoint are dropped, and said so; temporary files go.
    const metrics = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim().split("\n");
    const lastLine = JSON.parse(metrics.at(-1)!);
    const extra = { ...lastLine, timesteps: lastLine.timesteps + 10, update: lastLine.update + 1 };
    await Deno.writeTextFile(`${out}/metrics.jsonl`, JSON.stringify(extra) + "\n", {
      append: true,
    });
    await Deno.writeTextFile(`${out}/summary.json.tmp-0a1b2c3d`, "torn");
    const resumed = await run("train.ts", ["--resume", out, "--steps", "240"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /dropped the last 1 line\(s\) of .*metrics\.jsonl/);
    assert.match(resumed.stdout + resumed.stderr, /removed .*summary\.json\.tmp-0a1b2c3d/);
    await assert.rejects(Deno.stat(`${out}/summary.json.tmp-0a1b2c3d`), Deno.errors.NotFound);
    // A log with lines beyond the checkpoint but none at it disagrees: nothing is changed.
    const lines = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim().split("\n");
    const ck = JSON.parse(lines.at(-1)!).timesteps;
    const broken = lines.filter((l) => JSON.parse(l).timesteps !== ck);
    broken.push(JSON.stringify({ ...JSON.parse(lines.at(-1)!), timesteps: ck + 10 }));
    const text = broken.join("\n") + "\n";
    await Deno.writeTextFile(`${out}/metrics.jsonl`, text);
    const refused = await run("train.ts", ["--resume", out, "--steps", "280"]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /the checkpoint's counters and the log disagree/);
    assert.equal(await Deno.readTextFile(`${out}/metrics.jsonl`), text);
  });
});

/** Reads `child`'s stdout until `pattern` shows (training started) or `ms` pass. */
async function waitFor(child: Deno.ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + ms;
  while (!pattern.test(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  void (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* closed */ }
  })();
  return text;
}

async function stderrOf(child: Deno.ChildProcess): Promise<string> {
  let text = "";
  for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
  return text;
}

/** Sends `child` one SIGINT: it must exit with code 130 within 10 s; returns its stderr. */
async function assertSigintExits(
  child: Deno.ChildProcess,
  errors: Promise<string>,
): Promise<string> {
  const t = Date.now();
  child.kill("SIGINT");
  const status = await child.status;
  const stderr = await errors;
  assert.equal(status.code, 130, stderr);
  assert.ok(Date.now() - t < 10_000, `took ${Date.now() - t} ms`);
  return stderr;
}

/**
 * After `settleMs`, sends `child` (whose main thread is stuck) SIGINT twice: the second
 * must end it within 5 s through the watchdog's SIGKILL, saying so on stderr.
 */
async function assertSecondSigintExits(
  child: Deno.ChildProcess,
  errors: Promise<string>,
  settleMs: number,
): Promise<void> {
  await new Promise((r) => setTimeout(r, settleMs));
  child.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 300));
  const t = Date.now();
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const status = await child.status;
  clearTimeout(timer);
  const stderr = await errors;
  assert.ok(Date.now() - t < 5000, `second SIGINT took ${Date.now() - t} ms: ${stderr}`);
  assert.equal(status.signal, "SIGKILL", "ended by the watchdog");
  assert.match(stderr, /SIGINT again: exiting now/);
}

const loopRun = (out: string, sandbox: boolean) =>
  command("train.ts", [
    "--plugin",
    `${fixtures}/hostile.ts`,
    ...(sandbox ? ["--sandbox"] : []),
    "--env",
    "hostile/Loop-v0",
    "--steps",
    "1000",
    "--out",
    out,
  ]).spawn();

Deno.test("train: Ctrl-C while a looping environment is being made and checked stops at once; a second one exits from a stuck main thread", async () => {
  await withDir(async (dir) => {
    // Sandboxed: the first SIGINT ends the wait within the grace period (not the 60 s timeout).
    const child = loopRun(`${dir}/sandboxed`, true);
    const errors = stderrOf(child);
    const started = await waitFor(child, /plugins: registered/, 30_000);
    assert.match(started, /plugins: registered/);
    await new Promise((r) => setTimeout(r, 500));
    const stderr = await assertSigintExits(child, errors);
    assert.match(
      stderr,
      /interrupted while waiting for the environment|interrupted before training started/,
    );
    // In process: the main thread is stuck; the second SIGINT still ends the process.
    const stuck = loopRun(`${dir}/inprocess`, false);
    const errors2 = stderrOf(stuck);
    assert.match(await waitFor(stuck, /plugins: registered/, 30_000), /plugins: registered/);
    await assertSecondSigintExits(stuck, errors2, 500);
  });
});

Deno.test("train: a checkpoint from another run (a2c in a ppo folder, Acrobot in CartPole) is refused before anything is written", async () => {
  await withDir(async (dir) => {
    const tiny = (out: string, algo: string, env: string) =>
      run("train.ts", [
        "--algo",
        algo,
        "--env",
        env,
        "--steps",
        "256",
        "--eval-episodes",
        "1",
        "--no-onnx",
        "--out",
        out,
        "--quiet",
      ]);
    for (
      const [name, algo, env] of [["ppo", "ppo", "CartPole-v1"], ["a2c", "a2c", "CartPole-v1"], [
        "acro",
        "ppo",
        "Acrobot-v1",
      ]]
    ) {
      const r = await tiny(`${dir}/${name}`, algo, env);
      assert.equal(r.code, 0, r.stderr);
    }
    for (
      const [from, pattern] of [["a2c", /algorithm a2c \(run: ppo\)/], [
        "acro",
        /env Acrobot-v1 \(run: CartPole-v1\)/,
      ]] as const
    ) {
      await Deno.remove(`${dir}/ppo/checkpoint`, { recursive: true });
      await Deno.mkdir(`${dir}/ppo/checkpoint`);
      await Deno.copyFile(
        `${dir}/${from}/checkpoint/checkpoint.safetensors`,
        `${dir}/ppo/checkpoint/checkpoint.safetensors`,
      );
      const before = await Deno.readTextFile(`${dir}/ppo/metrics.jsonl`);
      for (
        const [script, args] of [["train.ts", ["--resume", `${dir}/ppo`, "--steps", "512"]], [
          "export.ts",
          [`${dir}/ppo`],
        ], ["eval.ts", [`${dir}/ppo`, "--episodes", "1"]]] as const
      ) {
        const r = await run(script, [...args]);
        assert.equal(r.code, 1, `${script}: ${r.stderr}`);
        assert.match(
          r.stderr,
          /checkpoint\.safetensors does not belong to the run in .*config\.json/,
        );
        assert.match(r.stderr, pattern);
      }
      assert.equal(await Deno.readTextFile(`${dir}/ppo/metrics.jsonl`), before, "log untouched");
      await assert.rejects(Deno.stat(`${dir}/ppo/policy.onnx`), Deno.errors.NotFound);
    }
  });
});

Deno.test("train: the NaN/∞ guard's message says what checkpoint exists (none yet, or the last one)", async () => {
  await withDir(async (dir) => {
    const cases = [
      [
        "Overflow-v0",
        /update 1: .* is Infinity.*\ntraining stopped; no checkpoint was written yet \(none in /,
      ],
      [
        "OverflowLater-v0",
        /update 2: .*\ntraining stopped; the last checkpoint, at 40 steps, is kept in /,
      ],
    ] as const;
    for (const [id, said] of cases) {
      const r = await run("train.ts", [
        ...["--plugin", `${fixtures}/stall.ts`, "--env", `stall/${id}`, "--algo", "a2c"],
        ...["--steps", "2000", "--checkpoint-every", "40", "--no-onnx", "--eval-episodes", "1"],
        ...["--out", `${dir}/${id}`, "--quiet"],
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, said);
    }
  });
});

Deno.test("train: a plugin that fails mid-training (a throw, or a sandboxed heap bomb) is named, and the last completed update is saved", async () => {
  await withDir(async (dir) => {
    const cases = [
      [
        "CrashLater-v0",
        [],
        /\[stall\/CrashLater-v0\] step: \(thrown\): threw Error: the simulator blew up/,
      ],
      [
        "HeapBombLater-v0",
        ["--sandbox", "--plugin-memory", "64"],
        /\[stall\/HeapBombLater-v0\] step: \(worker\): .*(ran out of memory|exceeded its memory limit).*64 MiB/,
      ],
    ] as const;
    for (const [id, flags, named] of cases) {
      const out = `${dir}/${id}`;
      const r = await run("train.ts", [
        ...["--plugin", `${fixtures}/stall.ts`, ...flags, "--env", `stall/${id}`],
        ...["--algo", "a2c", "--set", "numEnvs=2", "--steps", "100000", "--checkpoint-every", "0"],
        ...["--no-onnx", "--out", out, "--quiet"],
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, named);
      const said =
        /training stopped; saved a checkpoint at (\d+) steps \(the end of update (\d+), the last one completed\)/
          .exec(r.stderr);
      assert.ok(said, r.stderr);
      assert.match(r.stderr, /continue with: deno task train --resume/);
      const last = JSON.parse(
        (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim().split("\n").at(-1)!,
      );
      const ck = await loadCheckpoint(`${out}/checkpoint/checkpoint.safetensors`);
      const meta = ck.metadata as { timesteps: number; updates: number };
      assert.deepEqual([meta.timesteps, meta.updates], [last.timesteps, last.update]);
      assert.equal(Number(said[1]), last.timesteps);
    }
  });
});

Deno.test("train: a numEnvs or rollout that cannot fit in memory is refused at once with the estimate", async () => {
  await withDir(async (dir) => {
    const t = Date.now();
    const r = await run("train.ts", [
      "--set",
      "numEnvs=200000000",
      "--out",
      `${dir}/huge`,
      "--quiet",
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\(memory\): training needs at least \d+\.\d\d GiB \(/);
    assert.match(r.stderr, /GiB this machine has available; lower numEnvs/);
    assert.ok(Date.now() - t < 20_000, `took ${Date.now() - t} ms`);
    await assert.rejects(Deno.stat(`${dir}/huge`), Deno.errors.NotFound, "nothing written");
  });
});

const stallRun = (out: string, id: string, sandbox: boolean, checkpointEvery = "20") =>
  command("train.ts", [
    "--plugin",
    `${fixtures}/stall.ts`,
    ...(sandbox ? ["--sandbox"] : []),
    "--env",
    id,
    "--algo",
    "a2c",
    "--steps",
    "100000",
    "--checkpoint-every",
    checkpointEvery,
    "--out",
    out,
  ]).spawn();

Deno.test("train: Ctrl-C during a hung environment wait (sandboxed or in process) cancels it and saves the last completed update", async () => {
  await withDir(async (dir) => {
    for (const sandbox of [true, false]) {
      // No periodic checkpoint: whatever checkpoint exists is written at interrupt time.
      const out = `${dir}/${sandbox ? "sandboxed" : "inprocess"}`;
      const child = stallRun(out, "stall/Stall-v0", sandbox, "0");
      const errors = stderrOf(child);
      const started = await waitFor(child, /training a2c on/, 30_000);
      if (!/training a2c on/.test(started)) assert.fail(`${started}\n${await errors}`);
      // Wait until the copies have passed their 100 steps and stalled: the log stops growing.
      let lines = 0;
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const now = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim().split("\n").length;
        if (now > 1 && now === lines) break;
        lines = now;
      }
      const ck = `${out}/checkpoint/checkpoint.safetensors`;
      await assert.rejects(Deno.stat(ck), Deno.errors.NotFound, "no checkpoint before Ctrl-C");
      const stderr = await assertSigintExits(child, errors);
      assert.match(
        stderr,
        /interrupted while waiting for the environment \(.*interrupted by SIGINT/,
      );
      const said =
        /the rollout in progress is dropped; saved a checkpoint at (\d+) steps \(the end of update (\d+), the last one completed\) in /
          .exec(stderr);
      assert.ok(said, stderr);
      assert.match(stderr, /continue with: deno task train --resume/);
      // The checkpoint is the one of the last line of metrics.jsonl, and it loads.
      const metrics = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim().split("\n");
      const last = JSON.parse(metrics.at(-1)!);
      assert.equal(Number(said[1]), last.timesteps);
      assert.equal(Number(said[2]), last.update);
      const meta = (await loadCheckpoint(ck)).metadata as { timesteps: number; updates: number };
      assert.deepEqual([meta.timesteps, meta.updates], [last.timesteps, last.update]);
    }
  });
});

Deno.test("train: a second Ctrl-C exits at once while an unsandboxed plugin loop blocks the main thread", async () => {
  await withDir(async (dir) => {
    const stuck = stallRun(`${dir}/sync`, "stall/StallSync-v0", false);
    const errors2 = stderrOf(stuck);
    assert.match(await waitFor(stuck, /training a2c on/, 30_000), /training a2c on/);
    await assertSecondSigintExits(stuck, errors2, 1500);
  });
});
