/**
 * Tests of the classic-control environments and `cli/replay.ts`: bit-level agreement with
 * the transitions recorded from Gymnasium 1.4.0, spaces, seeding, termination rules, the
 * fast path and the replay command's exit codes.
 * @module
 */
import assert from "node:assert/strict";
import { replayTransitions, STATE_TOLERANCE } from "../cli/replay.ts";
import {
  AcrobotEnv,
  CartPoleEnv,
  type ClassicEnv,
  classicEnvs,
  MountainCarContinuousEnv,
  MountainCarEnv,
  PendulumEnv,
} from "../envs/classic/mod.ts";
import { contains, flatDim, parseSpace, sample, type Space } from "../envs/spaces.ts";
import type { Action, StepResult } from "../envs/types.ts";
import { Rng } from "../random.ts";

const referenceDir = new URL("./data/gymnasium/", import.meta.url);
const replayCli = new URL("../cli/replay.ts", import.meta.url);
const repoRoot = new URL("../", import.meta.url);

interface ReferenceFile {
  env_id: string;
  max_episode_steps: number;
  reward_threshold: number | null;
  observation_space: Record<string, unknown>;
  action_space: Record<string, unknown>;
  transitions: { state: number[]; next_state: number[]; next_obs: number[]; reward: number }[];
}

function referenceFiles(): { name: string; url: URL }[] {
  const files: { name: string; url: URL }[] = [];
  for (const entry of Deno.readDirSync(referenceDir)) {
    if (entry.isFile && entry.name.endsWith(".json")) {
      files.push({ name: entry.name, url: new URL(entry.name, referenceDir) });
    }
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

function loadReference(url: URL): ReferenceFile {
  return JSON.parse(Deno.readTextFileSync(url)) as ReferenceFile;
}

function specOf(id: string) {
  const spec = classicEnvs.find((e) => e.id === id);
  assert.ok(spec, `no classic env ${id}`);
  return spec;
}

function stepSync(env: ClassicEnv, action: Action): StepResult {
  return env.step(action);
}

/** Gymnasium's space JSON (`"Box"`, string infinities) in this toolkit's form. */
function toSpace(json: Record<string, unknown>): Space {
  if (json.type === "Discrete") return { type: "discrete", n: json.n as number };
  return parseSpace({ ...json, type: "box" }, "reference space");
}

Deno.test("reference files: every classic env replays with zero mismatches", () => {
  const files = referenceFiles();
  assert.ok(files.length >= 5, `expected ≥ 5 reference files, found ${files.length}`);
  const seen = new Set<string>();
  for (const { url } of files) {
    const data = loadReference(url);
    const report = replayTransitions(data.env_id, data);
    seen.add(data.env_id);
    assert.equal(report.transitions, data.transitions.length);
    assert.equal(report.mismatches, 0, `${data.env_id}: ${JSON.stringify(report.details[0])}`);
    assert.ok(report.maxAbsStateError <= STATE_TOLERANCE, `${data.env_id} state error`);
    assert.equal(report.maxAbsObsError, 0, `${data.env_id} obs error`);
  }
  for (const spec of classicEnvs) assert.ok(seen.has(spec.id), `no reference for ${spec.id}`);
});

Deno.test("reference files: spaces, time limits and thresholds equal Gymnasium's", () => {
  for (const { url } of referenceFiles()) {
    const data = loadReference(url);
    const spec = specOf(data.env_id);
    assert.equal(spec.maxEpisodeSteps, data.max_episode_steps);
    assert.equal(spec.rewardThreshold, data.reward_threshold ?? undefined);
    const env = spec.create();
    const obs = toSpace(data.observation_space);
    const act = toSpace(data.action_space);
    assert.equal(env.observationSpace.type, "box");
    assert.deepEqual(env.observationSpace, obs, data.env_id);
    assert.deepEqual(env.actionSpace, act, data.env_id);
  }
});

Deno.test("replay: detects a perturbed state, observation, reward or flag", () => {
  const data = loadReference(new URL("CartPole-v1.json", referenceDir));
  const cases: [string, (d: ReferenceFile) => void][] = [
    ["next_state", (d) => d.transitions[3].next_state[1] += 1e-8],
    ["next_obs", (d) => {
      // One float32 ulp up.
      const v = d.transitions[4].next_obs[0];
      const f = new Float32Array([v]);
      new Uint32Array(f.buffer)[0] += 1;
      d.transitions[4].next_obs[0] = f[0];
    }],
    ["reward", (d) => d.transitions[5].reward = 0.5],
  ];
  for (const [field, corrupt] of cases) {
    const copy = structuredClone(data);
    corrupt(copy);
    const report = replayTransitions("CartPole-v1", copy);
    assert.equal(report.mismatches, 1, field);
    assert.deepEqual(report.details[0].fields, [field]);
  }
  const flags = structuredClone(data) as unknown as {
    transitions: { terminated: boolean; truncated: boolean }[];
  };
  flags.transitions[0].terminated = !flags.transitions[0].terminated;
  flags.transitions[1].truncated = !flags.transitions[1].truncated;
  const report = replayTransitions("CartPole-v1", flags);
  assert.deepEqual(report.details.map((d) => d.fields), [["terminated"], ["truncated"]]);
});

Deno.test("replay: truncation follows TimeLimit (t + 1 ≥ max_episode_steps)", () => {
  const data = loadReference(new URL("MountainCar-v0.json", referenceDir));
  const truncatedCount = (data.transitions as unknown as { truncated: boolean }[])
    .filter((t) => t.truncated).length;
  assert.ok(truncatedCount > 0, "the file has truncated steps");
  // A longer limit makes every recorded truncation a mismatch.
  const report = replayTransitions("MountainCar-v0", { ...data, max_episode_steps: 10_000 });
  assert.equal(report.mismatches, truncatedCount);
});

Deno.test("replay: bad input names the problem", () => {
  const data = loadReference(new URL("Pendulum-v1.json", referenceDir));
  assert.throws(() => replayTransitions("Pendulum-v9", data), /unknown.*Pendulum-v1/);
  assert.throws(() => replayTransitions("CartPole-v1", data), /env_id/);
  const broken = structuredClone(data) as unknown as { transitions: Record<string, unknown>[] };
  broken.transitions[2].reward = "high";
  assert.throws(() => replayTransitions("Pendulum-v1", broken), /transitions\.2\.reward/);
  const short = structuredClone(data);
  short.transitions[7].state = [0];
  assert.throws(() => replayTransitions("Pendulum-v1", short), /transitions\.7\.state/);
  assert.throws(() => replayTransitions("Pendulum-v1", { transitions: [] }), /transitions/);
});

async function runReplay(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", replayCli.pathname, ...args],
    cwd: repoRoot.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("replay CLI: exit 0 on a reference file, 1 on a corrupted copy, 2 on bad input", async () => {
  const file = new URL("Acrobot-v1.json", referenceDir);
  const ok = await runReplay(["Acrobot-v1", file.pathname]);
  assert.equal(ok.code, 0, ok.stderr);
  const lines = ok.stdout.trim().split("\n");
  assert.equal(lines.length, 1);
  const summary = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(summary), [
    "env",
    "transitions",
    "maxAbsStateError",
    "maxAbsObsError",
    "mismatches",
  ]);
  assert.equal(summary.env, "Acrobot-v1");
  assert.equal(summary.mismatches, 0);

  const dir = await Deno.makeTempDir({ prefix: "ascent-replay-" });
  try {
    const data = loadReference(file);
    data.transitions[10].next_state[0] += 1e-6;
    const corrupted = `${dir}/corrupted.json`;
    await Deno.writeTextFile(corrupted, JSON.stringify(data));
    const bad = await runReplay(["Acrobot-v1", corrupted]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.equal(JSON.parse(bad.stdout.trim()).mismatches, 1);

    const unknown = await runReplay(["Acrobot-v2", corrupted]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Acrobot-v1/);

    const missing = await runReplay(["Acrobot-v1", `${dir}/missing.json`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seeding: same seed, same episode bit for bit; fast path equals step()", () => {
  for (const spec of classicEnvs) {
    const a = spec.create();
    const b = spec.create();
    const c = spec.create();
    const actions = new Rng(7);
    const obsA = a.reset({ seed: 123 }).observation as Float32Array;
    const obsB = b.reset({ seed: 123 }).observation as Float32Array;
    const d = flatDim(a.observationSpace);
    const buf = new Float32Array(d + 2);
    const flags = new Uint8Array(3);
    c.resetInto(buf, 2, 123);
    assert.deepEqual(obsA, obsB, spec.id);
    assert.deepEqual(buf.subarray(2), obsA, `${spec.id} resetInto`);
    assert.notDeepEqual(spec.create().reset({ seed: 124 }).observation, obsA, spec.id);
    for (let t = 0; t < 60; t++) {
      const action = sample(a.actionSpace, actions);
      const ra = stepSync(a, action);
      const rb = stepSync(b, action);
      const reward = c.stepInto(action as number | Float32Array, buf, 2, flags, 1);
      assert.deepEqual(ra, rb, `${spec.id} t=${t}`);
      assert.deepEqual(buf.subarray(2), ra.observation, `${spec.id} stepInto t=${t}`);
      assert.ok(Object.is(reward, ra.reward));
      assert.equal(flags[1] === 1, ra.terminated);
      assert.equal(ra.truncated, false, "bare envs never truncate");
      if (ra.terminated) break;
    }
    // Re-seeding restarts the same episode.
    assert.deepEqual(a.reset({ seed: 123 }).observation, obsB);
  }
});

Deno.test("spaces contain every observation over random episodes", () => {
  const rng = new Rng(99);
  for (const spec of classicEnvs) {
    const env = spec.create();
    for (let episode = 0; episode < 3; episode++) {
      let obs = env.reset({ seed: episode }).observation;
      for (let t = 0; t < spec.maxEpisodeSteps; t++) {
        assert.ok(obs instanceof Float32Array && obs.length === flatDim(env.observationSpace));
        assert.ok(contains(env.observationSpace, obs), `${spec.id} obs ${obs}`);
        const r = stepSync(env, sample(env.actionSpace, rng));
        assert.ok(Number.isFinite(r.reward));
        obs = r.observation;
        if (r.terminated) break;
      }
    }
  }
});

Deno.test("start states follow Gymnasium's distributions", () => {
  const n = 400;
  const cart = new CartPoleEnv();
  const acro = new AcrobotEnv();
  const car = new MountainCarEnv();
  const pend = new PendulumEnv();
  let sumCart = 0;
  cart.reset({ seed: 5 });
  acro.reset({ seed: 5 });
  car.reset({ seed: 5 });
  pend.reset({ seed: 5 });
  for (let i = 0; i < n; i++) {
    for (const v of cart.getState()) {
      assert.ok(v >= -0.05 && v < 0.05);
      sumCart += v;
    }
    for (const v of acro.getState()) assert.ok(Math.abs(v) <= 0.1 && Math.fround(v) === v);
    const [p, v] = car.getState();
    assert.ok(p >= -0.6 && p < -0.4 && v === 0);
    const [th, thDot] = pend.getState();
    assert.ok(Math.abs(th) <= Math.PI && Math.abs(thDot) <= 1);
    cart.reset();
    acro.reset();
    car.reset();
    pend.reset();
  }
  assert.ok(Math.abs(sumCart / (4 * n)) < 0.005, "CartPole start state is centred");
  cart.reset({ options: { low: 0.2, high: 0.3 } });
  assert.ok(cart.getState().every((v) => v >= 0.2 && v < 0.3));
  pend.reset({ options: { x_init: 0.1, y_init: 0 } });
  assert.ok(Math.abs(pend.getState()[0]) <= 0.1 && pend.getState()[1] === 0);
});

Deno.test("CartPole: terminates when the pole falls, +1 on that step, 0 after", () => {
  const env = new CartPoleEnv();
  env.reset({ seed: 1 });
  let last: StepResult | undefined;
  for (let t = 0; t < 200; t++) {
    last = stepSync(env, 1);
    assert.equal(last.reward, 1);
    if (last.terminated) break;
  }
  assert.ok(last?.terminated, "always pushing right must topple the pole");
  const [x, , theta] = env.getState();
  assert.ok(Math.abs(x) > 2.4 || Math.abs(theta) > 12 * 2 * Math.PI / 360);
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal(stepSync(env, 1).reward, 0);
  } finally {
    console.warn = warn;
  }
  const sb = new CartPoleEnv({ suttonBartoReward: true });
  sb.setState([0, 0, 0.2094, 1]);
  const fell = stepSync(sb, 1);
  assert.deepEqual([fell.reward, fell.terminated], [-1, true]);
  sb.setState([0, 0, 0, 0]);
  assert.equal(stepSync(sb, 0).reward, 0);
});

Deno.test("MountainCar: terminates at the goal; wall stops the car", () => {
  const env = new MountainCarEnv();
  env.setState([0.49, 0.02]);
  const r = stepSync(env, 2);
  assert.equal(r.terminated, true);
  assert.equal(r.reward, -1);
  env.setState([0.3, 0.01]);
  assert.equal(stepSync(env, 2).terminated, false);
  env.setState([-1.19, -0.05]);
  stepSync(env, 0);
  assert.deepEqual(env.getState(), [-1.2, 0]);

  const cont = new MountainCarContinuousEnv();
  cont.setState([0.44, 0.02]);
  const rc = stepSync(cont, new Float32Array([2]));
  assert.equal(rc.terminated, true);
  assert.equal(rc.reward, 100 - 0.1 * 4, "reward charges the unclipped action");
  const s = cont.getState();
  assert.ok(s.every((v) => Math.fround(v) === v), "state is stored as float32");
});

Deno.test("Acrobot terminates with the tip high (reward 0); Pendulum never terminates", () => {
  const acro = new AcrobotEnv();
  acro.setState([Math.PI, 0, 0, 0]);
  const r = stepSync(acro, 1);
  assert.equal(r.terminated, true);
  assert.equal(r.reward, 0);
  acro.setState([0, 0, 0, 0]);
  assert.deepEqual([stepSync(acro, 1).terminated, stepSync(acro, 1).reward], [false, -1]);

  const pend = new PendulumEnv();
  pend.reset({ seed: 0 });
  for (let t = 0; t < 300; t++) {
    const { terminated, reward } = stepSync(pend, new Float32Array([2]));
    assert.equal(terminated, false);
    assert.ok(reward <= 0 && reward >= -16.2736045);
  }
});

Deno.test("options and inputs are validated with errors naming the env and field", () => {
  assert.throws(() => new CartPoleEnv({ foo: 1 } as never), /CartPole-v1.*foo/);
  assert.throws(() => new PendulumEnv({ g: "x" } as never), /Pendulum-v1.*options\.g/);
  assert.throws(() => new AcrobotEnv({ bookOrNips: "paper" } as never), /Acrobot-v1.*bookOrNips/);
  assert.throws(
    () => new MountainCarEnv().reset({ options: { low: 0, high: -1 } }),
    /MountainCar-v0\.reset.*low/,
  );
  assert.throws(() => new CartPoleEnv().step(0), /CartPole-v1\.step: call reset/);
  const env = new CartPoleEnv();
  env.reset({ seed: 0 });
  assert.throws(() => env.step(2), /CartPole-v1\.step: action/);
  assert.throws(() => env.setState([1, 2]), /CartPole-v1\.setState/);
  assert.throws(() => new PendulumEnv().reset({ seed: 1.5 }), /Pendulum-v1\.reset: seed/);
  const pend = new PendulumEnv();
  pend.reset({ seed: 0 });
  assert.throws(() => pend.step(new Float32Array(2)), /Pendulum-v1\.step: action/);
  // The nips variant and the g option change the dynamics.
  const book = new AcrobotEnv();
  const nips = new AcrobotEnv({ bookOrNips: "nips" });
  for (const e of [book, nips]) e.setState([0.5, 0.5, 1, 1]);
  assert.notDeepEqual(stepSync(book, 0).observation, stepSync(nips, 0).observation);
});

Deno.test("render returns a one-line text naming the env", () => {
  for (const spec of classicEnvs) {
    const env = spec.create();
    env.reset({ seed: 0 });
    const text = env.render?.();
    assert.equal(typeof text, "string");
    assert.ok((text as string).startsWith(spec.id) && !(text as string).includes("\n"));
  }
});

Deno.test("Acrobot: huge or non-finite angles from setState do not hang the wrap", () => {
  const env = new AcrobotEnv();
  env.setState([1e300, -1e12, 0, 0]);
  env.step(1);
  const [theta1, theta2] = env.getState();
  assert.ok(Math.abs(theta1) <= Math.PI && Math.abs(theta2) <= Math.PI);
  env.setState([Infinity, 0, 0, 0]);
  env.step(1);
  assert.ok(Number.isNaN(env.getState()[0]));
});
