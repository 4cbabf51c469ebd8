import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { checkEnv, checkEnvSync, ValidatingEnv } from "../envs/checker.ts";
import { EnvError } from "../envs/errors.ts";
import { editDistance, ENV_ID_PATTERN, Registry } from "../envs/registry.ts";
import type { Action, Env, ResetOptions, ResetResult, StepResult } from "../envs/types.ts";
import { TimeLimit } from "../envs/wrappers/time_limit.ts";
import { RecordEpisodeStatistics } from "../envs/wrappers/record_episode_statistics.ts";
import { VectorEnv } from "../envs/vector_env.ts";

/** Faults a test env can be told to have. */
interface Faults {
  obsLength?: number;
  nanReward?: boolean;
  flagNumber?: boolean;
  outsideAtStep?: number;
  unseeded?: boolean;
  infoNull?: boolean;
  async?: boolean;
  badLow?: boolean;
}

/** A random walk on [-3, 3]: +1 per step, terminates at |x| ≥ 3. */
class Walk implements Env {
  readonly observationSpace;
  readonly actionSpace = { type: "discrete" as const, n: 2 };
  #rng = new Rng(0);
  #x = 0;
  #t = 0;
  resets = 0;
  steps = 0;
  constructor(readonly faults: Faults = {}) {
    this.observationSpace = {
      type: "box" as const,
      low: faults.badLow ? [-5, "low"] as unknown as number[] : -5,
      high: 5,
      shape: [2],
    };
  }
  #obs(): Float32Array {
    const o = new Float32Array(this.faults.obsLength ?? 2);
    o[0] = this.#x;
    o[1] = this.#t === this.faults.outsideAtStep ? 7 : this.#x / 2;
    return o;
  }
  #resetSync(opts?: ResetOptions): ResetResult {
    this.resets++;
    if (opts?.seed !== undefined) this.#rng.seed(opts.seed);
    const u = this.faults.unseeded ? Math.random() : this.#rng.uniform();
    this.#x = u - 0.5;
    this.#t = 0;
    return { observation: this.#obs(), info: {} };
  }
  #stepSync(action: Action): StepResult {
    this.steps++;
    this.#t++;
    this.#x += action === 1 ? 1 : -1;
    const terminated = Math.abs(this.#x) >= 3;
    return {
      observation: this.#obs(),
      reward: this.faults.nanReward && this.#t === 3 ? NaN : 1,
      terminated: (this.faults.flagNumber ? (terminated ? 1 : 0) : terminated) as boolean,
      truncated: false,
      info: (this.faults.infoNull ? null : {}) as Record<string, unknown>,
    };
  }
  reset(opts?: ResetOptions) {
    const r = this.#resetSync(opts);
    return this.faults.async ? new Promise<ResetResult>((ok) => setTimeout(() => ok(r), 0)) : r;
  }
  step(action: Action) {
    const r = this.#stepSync(action);
    return this.faults.async ? Promise.resolve(r) : r;
  }
}

async function envError(f: () => unknown): Promise<EnvError> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof EnvError, `expected EnvError, got ${e}`);
    return e;
  }
  throw new Error("expected an EnvError");
}

Deno.test("checkEnv accepts a well-behaved env, sync and async", async () => {
  checkEnvSync(new Walk(), { id: "Walk-v0" });
  await checkEnv(new Walk(), { id: "Walk-v0" });
  await checkEnv(new Walk({ async: true }), { id: "Walk-v0" });
});

Deno.test("checkEnv: each fault is caught and named by id, method, path and value", async () => {
  const cases: [Faults, string, string, RegExp][] = [
    [{ obsLength: 3 }, "reset", "observation.length", /must be 2/],
    [{ nanReward: true }, "step", "reward", /finite number/],
    [{ flagNumber: true }, "step", "terminated", /boolean/],
    [{ outsideAtStep: 2 }, "step", "observation.1", /outside the space \[-5, 5\]/],
    [{ unseeded: true }, "reset", "observation.0", /seeding is not reproducible/],
    [{ infoNull: true }, "step", "info", /plain object/],
    [{ badLow: true }, "create", "observationSpace.low.1", /a bound must be a number/],
  ];
  for (const [faults, method, path, problem] of cases) {
    for (const async of [false, true]) {
      const env = new Walk({ ...faults, async });
      const e = await envError(() => checkEnv(env, { id: "Faulty-v3" }));
      assert.equal(e.envId, "Faulty-v3");
      assert.equal(e.method, method, `${JSON.stringify(faults)}: ${e.message}`);
      assert.equal(e.path, path, e.message);
      assert.match(e.problem, problem, e.message);
      assert.ok(e.message.startsWith(`[Faulty-v3] ${method}: ${path}: `), e.message);
      assert.match(e.message, /\(got .+\)$/);
    }
  }
  const e = await envError(() => checkEnv(new Walk({ outsideAtStep: 1 }), { id: "Faulty-v3" }));
  assert.equal(e.value, 7);
});

Deno.test("checkEnvSync refuses an async env with a clear error", async () => {
  const e = await envError(() => checkEnvSync(new Walk({ async: true }), { id: "Remote-v0" }));
  assert.match(e.message, /\[Remote-v0\].*Promise.*checkEnv/);
});

Deno.test("ValidatingEnv validates actions and every step", async () => {
  const v = new ValidatingEnv(new Walk({ outsideAtStep: 4 }), "Walk-v0");
  v.reset({ seed: 1 });
  const bad = await envError(() => v.step(2));
  assert.equal(bad.path, "action");
  assert.equal(bad.value, 2);
  for (let i = 0; i < 3; i++) v.step(i % 2);
  const e = await envError(() => v.step(1));
  assert.equal(e.path, "observation.1");
  const av = new ValidatingEnv(new Walk({ async: true, nanReward: true }), "Walk-v0");
  await av.reset({ seed: 1 });
  await av.step(1);
  await av.step(0);
  const ae = await envError(() => av.step(1));
  assert.equal(ae.path, "reward");
});

Deno.test("registry: id format", async () => {
  const reg = new Registry();
  for (const id of ["CartPole-v1", "ns/My_Env.x-v12", "a-b/C-v0"]) {
    assert.ok(ENV_ID_PATTERN.test(id), id);
  }
  for (const id of ["CartPole", "CartPole-v", "1Cart-v1", "ns/sub/Env-v1", "Cart Pole-v1", "-v1"]) {
    assert.ok(!ENV_ID_PATTERN.test(id), id);
    const e = await envError(() => reg.register({ id, create: () => new Walk() }));
    assert.equal(e.method, "register");
    assert.equal(e.path, "id");
    assert.match(e.message, /Name-vN/);
  }
  const m = await envError(() =>
    reg.register({ id: "Walk-v0", create: () => new Walk(), maxEpisodeSteps: 0 })
  );
  assert.equal(m.path, "maxEpisodeSteps");
});

Deno.test("registry: a duplicate id names the source of the existing one", async () => {
  const reg = new Registry();
  reg.register({ id: "Walk-v0", create: () => new Walk(), source: "plugins/walk.ts" });
  const e = await envError(() =>
    reg.register({ id: "Walk-v0", create: () => new Walk(), source: "https://example.com/walk.ts" })
  );
  assert.match(
    e.message,
    /\[Walk-v0\] register: id: is already registered \(from plugins\/walk\.ts\)/,
  );
  assert.match(e.message, /example\.com/);
  assert.ok(reg.unregister("Walk-v0"));
  reg.register({ id: "Walk-v0", create: () => new Walk() });
});

Deno.test("registry: an unknown id suggests the closest ids", async () => {
  const reg = new Registry();
  for (const id of ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1"]) {
    reg.register({ id, create: () => new Walk() });
  }
  const e = await envError(() => reg.make("Cartpole-v0"));
  assert.equal(e.path, "id");
  assert.match(e.message, /did you mean CartPole-v1/);
  const e2 = await envError(() => reg.spec("MountianCar-v0"));
  assert.match(e2.problem, /did you mean MountainCar-v0/);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.match((await envError(() => new Registry().spec("X-v0"))).message, /no environments/);
});

Deno.test("registry: make applies options, defaults, TimeLimit, statistics and seeding", async () => {
  const reg = new Registry();
  const created: Record<string, unknown>[] = [];
  reg.register({
    id: "Walk-v0",
    create: (options) => {
      created.push(options);
      return new Walk();
    },
    maxEpisodeSteps: 2,
    rewardThreshold: 2,
    defaults: { a: 1, b: 2 },
    description: "a walk",
  });
  const env = await reg.make("Walk-v0", { envOptions: { b: 3 } });
  assert.deepEqual(created.at(-1), { a: 1, b: 3 });
  assert.ok(env instanceof TimeLimit && env.maxEpisodeSteps === 2);
  env.reset({ seed: 0 });
  env.step(1);
  const last = env.step(0) as StepResult;
  assert.equal(last.truncated, true);
  const unlimited = await reg.make("Walk-v0", { maxEpisodeSteps: null });
  assert.ok(unlimited instanceof Walk);
  const longer = await reg.make("Walk-v0", { maxEpisodeSteps: 9 });
  assert.equal((longer as TimeLimit).maxEpisodeSteps, 9);
  const stats = await reg.make("Walk-v0", { recordStatistics: true, validateSteps: true });
  assert.ok(stats instanceof RecordEpisodeStatistics);
  assert.ok((stats.env as TimeLimit).env instanceof ValidatingEnv);
  assert.deepEqual(reg.listEnvs().map((s) => s.id), ["Walk-v0"]);
  assert.equal(reg.spec("Walk-v0").rewardThreshold, 2);

  // seed: same seed, same first episode; the generator is seeded at creation.
  const a = reg.makeSync("Walk-v0", { seed: 5, maxEpisodeSteps: null });
  const b = reg.makeSync("Walk-v0", { seed: 5, maxEpisodeSteps: null });
  assert.deepEqual(a.reset(), b.reset());
});

Deno.test("registry: the check runs once per id, and its failure stops make", async () => {
  const reg = new Registry();
  const envs: Walk[] = [];
  reg.register({
    id: "Walk-v0",
    create: () => {
      const w = new Walk();
      envs.push(w);
      return w;
    },
  });
  await reg.make("Walk-v0");
  await reg.make("Walk-v0");
  reg.makeSync("Walk-v0");
  assert.ok(envs[0].resets >= 2 && envs[0].steps > 0, "first env was checked");
  assert.equal(envs[1].resets + envs[2].resets, 0, "later envs were not");
  await reg.make("Walk-v0", { check: false });

  reg.register({ id: "Bad-v0", create: () => new Walk({ nanReward: true }) });
  const e = await envError(() => reg.make("Bad-v0"));
  assert.equal(e.envId, "Bad-v0");
  assert.equal(e.path, "reward");
  await reg.make("Bad-v0", { check: false });
});

Deno.test("registry: async environments work with make, not makeSync", async () => {
  const reg = new Registry();
  reg.register({
    id: "Remote-v0",
    create: () => Promise.resolve(new Walk({ async: true })),
    maxEpisodeSteps: 3,
  });
  const env = await reg.make("Remote-v0", { seed: 1, validateSteps: true });
  const first = env.reset({ seed: 2 });
  assert.ok(first instanceof Promise);
  await first;
  await env.step(0);
  await env.step(0);
  const r = await env.step(1);
  assert.equal(r.truncated, true);
  const e = await envError(() => reg.makeSync("Remote-v0"));
  assert.equal(e.method, "makeSync");
  assert.equal(e.path, "create");

  reg.register({ id: "Remote-v1", create: () => new Walk({ async: true }) });
  const e2 = await envError(() => reg.makeSync("Remote-v1"));
  assert.match(e2.message, /Promise/);
});

Deno.test("registry: envOptions must be an object", async () => {
  const reg = new Registry();
  reg.register({ id: "Walk-v0", create: () => new Walk() });
  const e = await envError(() =>
    reg.make("Walk-v0", { envOptions: 3 as unknown as Record<string, unknown> })
  );
  assert.equal(e.path, "envOptions");
});

Deno.test("builtin: importing envs/mod.ts registers the five classic envs", async () => {
  const mod = await import("../envs/mod.ts");
  await import("../envs/builtin.ts");
  mod.registerBuiltinEnvs(); // idempotent
  const ids = mod.listEnvs().filter((s) => s.source === "builtin").map((s) => s.id);
  for (
    const id of [
      "CartPole-v1",
      "Acrobot-v1",
      "MountainCar-v0",
      "MountainCarContinuous-v0",
      "Pendulum-v1",
    ]
  ) {
    assert.ok(ids.includes(id), id);
    const env = await mod.make(id, { seed: 0 });
    assert.ok(env instanceof TimeLimit);
    assert.equal(env.maxEpisodeSteps, mod.spec(id).maxEpisodeSteps);
  }
  assert.equal(mod.spec("CartPole-v1").maxEpisodeSteps, 500);
  assert.equal(mod.spec("CartPole-v1").rewardThreshold, 475);
  const e = await envError(() => mod.register({ id: "CartPole-v1", create: () => new Walk() }));
  assert.match(e.message, /from builtin/);
});

/** Lights: a multi-binary action switches 3 lamps; the observation is the lamp state. */
function lights(): Env {
  const state = new Float32Array(3);
  return {
    observationSpace: { type: "multi-binary", n: 3 },
    actionSpace: { type: "multi-binary", n: 3 },
    reset: () => ({ observation: state.fill(0).slice(), info: {} }),
    step: (a: Action) => {
      for (let i = 0; i < 3; i++) state[i] = (a as Int32Array)[i];
      return {
        observation: state.slice(),
        reward: state[0],
        terminated: false,
        truncated: false,
        info: {},
      };
    },
  };
}

Deno.test("checker and vector env accept multi-binary spaces; bad bits are named", async () => {
  checkEnvSync(lights(), { id: "Lights-v0" });
  const v = new ValidatingEnv(lights(), "Lights-v0");
  v.reset({ seed: 0 });
  v.step(new Int32Array([1, 0, 1]));
  const e = await envError(() => v.step(new Int32Array([1, 2, 0])));
  assert.equal(e.path, "action.1");
  assert.match(e.problem, /must be 0 or 1/);
  const venv = new VectorEnv([lights(), lights()], {});
  venv.reset(0);
  const r = await venv.step(new Int32Array([1, 1, 0, 0, 0, 1]));
  assert.deepEqual([...r.observations], [1, 1, 0, 0, 0, 1]);
  assert.deepEqual([...r.rewards], [1, 0]);
});
