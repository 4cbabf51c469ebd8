/**
 * Replay of the recorded Gymnasium 1.4.0 / MuJoCo 3.12.0 transitions copied into
 * `tests/data/mujoco/` (so these tests need no `../shared/`): every transition of all seven
 * environments within 1e−9, the `deno task replay` command line (JSON line, exit codes),
 * free-running the recorded head windows of the non-chaotic tasks from their reset states,
 * and numpy's summation order.
 * @module
 */
import assert from "node:assert/strict";
import { MUJOCO_TOLERANCE, replayMujocoTransitions } from "../cli/replay_mujoco.ts";
import { mujocoEnvs, numpySum, sumSquaresFloat32 } from "../envs/mujoco/mod.ts";

const dataDir = new URL("./data/mujoco/", import.meta.url);
const replayCli = new URL("../cli/replay.ts", import.meta.url);

interface RecordedState {
  time: number;
  qpos: number[];
  qvel: number[];
  act: number[];
  qacc_warmstart: number[];
  ctrl: number[];
}

interface RecordedFile {
  env_id: string;
  episodes: {
    episode: number;
    reset: { state: RecordedState; obs: number[] };
  }[];
  transitions: {
    episode: number;
    t: number;
    state: RecordedState;
    next_qpos: number[];
    info: Record<string, number>;
    action: number[];
    next_obs: number[];
    reward: number;
    terminated: boolean;
  }[];
}

function load(id: string): RecordedFile {
  return JSON.parse(Deno.readTextFileSync(new URL(`${id}.json`, dataDir)));
}

async function runReplay(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", replayCli.pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

for (const { id } of mujocoEnvs) {
  Deno.test(`replay ${id}: every recorded transition within 1e-9`, async () => {
    const data = load(id);
    const report = await replayMujocoTransitions(id, data);
    assert.equal(report.mujoco, "3.12.0");
    assert.equal(report.transitions, data.transitions.length);
    assert.ok(report.transitions >= 100, `${id}: only ${report.transitions} transitions`);
    assert.equal(report.mismatches, 0, `${id}: ${JSON.stringify(report.details[0])}`);
    for (
      const key of ["maxStateError", "maxObsError", "maxRewardError", "maxInfoError"] as const
    ) {
      assert.ok(report[key] <= MUJOCO_TOLERANCE, `${id} ${key} = ${report[key]}`);
    }
    assert.ok(
      data.transitions.some((t) => t.terminated) || id === "HalfCheetah-v5" ||
        id === "Reacher-v5",
    );
  });
}

Deno.test("deno task replay: JSON line and exit 0 on agreement, 1 on a mismatch, 2 on bad input", async () => {
  const ok = await runReplay(["Hopper-v5", new URL("Hopper-v5.json", dataDir).pathname]);
  assert.equal(ok.code, 0, ok.stderr);
  const line = JSON.parse(ok.stdout.trim().split("\n").at(-1)!);
  assert.equal(line.env, "Hopper-v5");
  assert.equal(line.mujoco, "3.12.0");
  assert.equal(line.mismatches, 0);

  const data = load("Reacher-v5") as unknown as Record<string, unknown>;
  const transitions = data.transitions as { reward: number }[];
  transitions[3].reward += 1e-6;
  const dir = await Deno.makeTempDir({ prefix: "ascent_mujoco_replay_" });
  try {
    const tampered = `${dir}/tampered.json`;
    await Deno.writeTextFile(tampered, JSON.stringify(data));
    const bad = await runReplay(["Reacher-v5", tampered]);
    assert.equal(bad.code, 1);
    assert.equal(JSON.parse(bad.stdout.trim()).mismatches, 1);
    assert.match(bad.stderr, /"reward"/);

    const malformed = `${dir}/malformed.json`;
    await Deno.writeTextFile(malformed, JSON.stringify({ transitions: [{ t: 0 }] }));
    const wrong = await runReplay(["Reacher-v5", malformed]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /transitions\.0\.state/);
    const mixed = await runReplay(["Ant-v5", new URL("Hopper-v5.json", dataDir).pathname]);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /env_id/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Free-running from the recorded reset state over the recorded head window: fine for the
 * stable tasks (the chaotic ones separate after ~100 steps even between builds, so they are
 * checked per step only).
 */
for (const id of ["InvertedPendulum-v5", "Reacher-v5", "Hopper-v5"]) {
  Deno.test(`free-running ${id} from its recorded reset states matches the head windows`, async () => {
    const data = load(id);
    const spec = mujocoEnvs.find((e) => e.id === id)!;
    const env = await spec.create({});
    try {
      let checked = 0;
      for (const episode of data.episodes) {
        env.reset({ seed: 0 });
        const mj = env.mujoco;
        mj.mj_resetData(env.model, env.data);
        const s = episode.reset.state;
        env.views.qpos.set(s.qpos);
        env.views.qvel.set(s.qvel);
        mj.mj_forward(env.model, env.data);
        const recorded = data.transitions.filter((t) => t.episode === episode.episode);
        // The kept head window: consecutive steps from t = 0.
        const steps = recorded.filter((_t, k) =>
          recorded.slice(0, k + 1).every((u, j) => u.t === j)
        );
        for (const tr of steps) {
          const r = env.step(new Float32Array(tr.action));
          for (let i = 0; i < tr.next_obs.length; i++) {
            const e = Math.abs(r.observation[i] - tr.next_obs[i]) /
              Math.max(1, Math.abs(tr.next_obs[i]));
            assert.ok(e <= 1e-9, `${id} episode ${episode.episode} t=${tr.t} obs[${i}]: ${e}`);
          }
          assert.ok(Math.abs(r.reward - tr.reward) <= 1e-9 * Math.max(1, Math.abs(tr.reward)));
          assert.equal(r.terminated, tr.terminated);
          checked++;
        }
      }
      assert.ok(checked > 50, `${id}: checked ${checked}`);
    } finally {
      env.close();
    }
  });
}

Deno.test("numpySum: left to right below 8 elements, 8 partial sums from 8 on", () => {
  // Left to right, 1e16 + 1 rounds back to 1e16 every time; the partial sums keep the ones.
  const eight = [1e16, 1, 1, 1, 1, 1, 1, 1];
  assert.equal(numpySum(eight.slice(0, 7)) - 1e16, 0);
  assert.equal(numpySum(eight) - 1e16, 6);
  // 9 elements: the eight partial sums, then the ninth added on its own.
  assert.equal(numpySum([...eight, -1e16]), 6);
  // Above 128 elements the halves are summed separately.
  const big = Array.from({ length: 300 }, (_, i) => (i % 7) * 0.1);
  const half = numpySum(big, 0, 144) + numpySum(big, 144, 156);
  assert.equal(numpySum(big), half);
});

Deno.test("sumSquaresFloat32: float32 squares and float32 partial sums", () => {
  const a = new Float32Array([0.1, 0.2, 0.3]);
  let s = 0;
  for (const x of a) s = Math.fround(s + Math.fround(x * x));
  assert.equal(sumSquaresFloat32(a), s);
  const eight = new Float32Array([0.7, -0.3, 0.11, 0.9, -0.6, 0.25, 0.05, -0.99]);
  const sq = Array.from(eight, (x) => Math.fround(x * x));
  const f = Math.fround;
  const pairwise = f(
    f(f(sq[0] + sq[1]) + f(sq[2] + sq[3])) + f(f(sq[4] + sq[5]) + f(sq[6] + sq[7])),
  );
  assert.equal(sumSquaresFloat32(eight), pairwise);
});

Deno.test("Ant-v5 trap: a running float32 sum of the control cost would miss recorded rewards", () => {
  const data = load("Ant-v5");
  let differing = 0;
  for (const tr of data.transitions) {
    const a = new Float32Array(tr.action);
    let running = 0;
    for (const x of a) running = Math.fround(running + Math.fround(x * x));
    const delta = 0.5 * (running - sumSquaresFloat32(a));
    if (delta === 0) continue;
    differing++;
    // The reward computed with the running sum would be off by delta: far above 1e-9.
    assert.ok(Math.abs(delta) / Math.abs(tr.reward) > MUJOCO_TOLERANCE, `t=${tr.t}`);
  }
  assert.ok(differing > 0, "expected some recorded actions where the two orders differ");
});

Deno.test("Ant-v5 trap: x_velocity is not the qpos displacement (lagged torso positions)", () => {
  const data = load("Ant-v5");
  let far = 0;
  for (const tr of data.transitions) {
    const fromQpos = (tr.next_qpos[0] - tr.state.qpos[0]) / 0.05;
    if (Math.abs(fromQpos - tr.info.x_velocity) > 1e-9 * Math.abs(tr.info.x_velocity)) far++;
  }
  assert.ok(far > data.transitions.length / 2, `${far} of ${data.transitions.length}`);
});
