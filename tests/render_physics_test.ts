import assert from "node:assert/strict";
import {
  canRenderFrames,
  type Env,
  type Frame,
  frameToSvg,
  make,
  MUJOCO_ENV_IDS,
  parseFrame,
  renderFrameOf,
} from "../envs/mod.ts";
import { lunarLanderFrame } from "../envs/box2d/frames.ts";
import { box2dEnvs } from "../envs/box2d/mod.ts";
import { projectGeoms } from "../envs/mujoco/frames.ts";
import { recordEpisodes } from "../cli/dashboard/record.ts";

const BOX2D = box2dEnvs.map((e) => e.id);
const MUJOCO = MUJOCO_ENV_IDS;

/** An action that makes things move: main engine / alternating torques. */
function actionFor(env: Env, t: number): number | Float32Array {
  if (env.actionSpace.type === "discrete") return t % 2 === 0 ? 2 : 1;
  assert.equal(env.actionSpace.type, "box");
  if (env.actionSpace.type !== "box") throw new Error("box actions expected");
  const n = env.actionSpace.shape.reduce((a: number, b: number) => a * b, 1);
  const a = new Float32Array(n);
  const high = env.actionSpace.high;
  for (let i = 0; i < n; i++) {
    const h = typeof high === "number" ? high : high[i];
    a[i] = (i % 2 === 0 ? 1 : -1) * Math.min(h, 1);
  }
  return a;
}

async function checkSteps(id: string, steps: number): Promise<Frame[]> {
  const env = await make(id, { seed: 5 });
  try {
    assert.ok(canRenderFrames(env), `${id} draws no frames`);
    await env.reset({ seed: 5 });
    const frames = [parseFrame(renderFrameOf(env), `${id} after reset`)];
    for (let t = 0; t < steps; t++) {
      const s = await env.step(actionFor(env, t));
      frames.push(parseFrame(renderFrameOf(env), `${id} step ${t + 1}`));
      if (s.terminated || s.truncated) break;
    }
    for (let t = 1; t < frames.length; t++) {
      assert.notDeepEqual(frames[t], frames[t - 1], `${id}: frame ${t} equals frame ${t - 1}`);
    }
    assert.ok(frames.length >= 4, `${id}: only ${frames.length} frames`);
    assert.ok(frames[0].fps !== undefined && frames[0].fps > 0, id);
    assert.ok(frameToSvg(frames.at(-1)!).startsWith("<svg"), id);
    return frames;
  } finally {
    await env.close?.();
  }
}

Deno.test("every Box2D env draws valid frames that change from step to step", async () => {
  for (const id of BOX2D) {
    const frames = await checkSteps(id, 6);
    assert.ok(frames[0].shapes.length >= 5, `${id}: ${frames[0].shapes.length} shapes`);
  }
});

Deno.test("every MuJoCo env draws valid frames of its geoms that change from step to step", async () => {
  for (const id of MUJOCO) {
    const frames = await checkSteps(id, 5);
    const drawn = frames[0].shapes.filter((s) => s.type === "line" || s.type === "circle");
    assert.ok(drawn.length >= 2, `${id}: ${drawn.length} geoms drawn`);
  }
});

Deno.test("the lander's flames follow the last action", async () => {
  const env = await make("LunarLander-v3", { seed: 1 });
  const flames = (f: Frame) => f.shapes.filter((s) => s.type === "polygon" && s.fill === "#f59e0b");
  await env.reset({ seed: 1 });
  assert.equal(flames(renderFrameOf(env)!).length, 0, "no flame after reset");
  await env.step(2);
  const main = flames(renderFrameOf(env)!);
  assert.equal(main.length, 1);
  await env.step(0);
  assert.equal(flames(renderFrameOf(env)!).length, 0, "no flame after a no-op");
  await env.step(1);
  const side = flames(renderFrameOf(env)!);
  assert.equal(side.length, 1);
  assert.notDeepEqual(side, main, "the side flame is not the main one");
  await env.close?.();
  // The main flame hangs below the lander body, a side flame sits beside it.
  const f = lunarLanderFrame([[10, 10, 0], [9.3, 9.5, 0], [10.7, 9.5, 0]], [[0, 3], [20, 3]], 1, 0);
  const flame = flames(f)[0];
  assert.ok(flame.type === "polygon" && Math.min(...flame.points.filter((_, i) => i % 2)) < 9.6);
  const s = lunarLanderFrame([[10, 10, 0]], [[0, 3], [20, 3]], 0, -1);
  const sf = flames(s)[0];
  assert.ok(sf.type === "polygon" && Math.max(...sf.points.filter((_, i) => i % 2 === 0)) > 10.5);
});

Deno.test("the walker's lidar rays end where the observation says", async () => {
  const env = await make("BipedalWalker-v3", { seed: 2 });
  const { observation } = await env.reset({ seed: 2 });
  const frame = renderFrameOf(env)!;
  const rays = frame.shapes.filter((s) => s.type === "line" && s.stroke === "#ef4444");
  assert.equal(rays.length, 10);
  const lengths = rays.map((r) => r.type === "line" ? Math.hypot(r.x2 - r.x1, r.y2 - r.y1) : 0);
  for (let i = 0; i < 10; i++) {
    assert.ok(Math.abs(lengths[i] - observation[14 + i] * 160 / 30) < 1e-4, `ray ${i}`);
  }
  await env.close?.();
});

Deno.test("projectGeoms puts capsules, spheres and boxes where their poses say", () => {
  const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  // A capsule along world x (local z rotated onto x), a sphere, a unit box.
  const rotZtoX = [0, 0, 1, 0, 1, 0, -1, 0, 0];
  const shapes = projectGeoms(
    { type: [3, 2, 6], size: [0.1, 0.5, 0, 0.2, 0, 0, 0.5, 0.5, 0.5] },
    [1, 0, 2, 0, 3, 1, 0, 0, 0],
    [...rotZtoX, ...I, ...I],
    "xz",
  );
  assert.deepEqual(shapes[0], {
    type: "line",
    x1: 0.5,
    y1: 2,
    x2: 1.5,
    y2: 2,
    stroke: "#4f7cac",
    width: 0.2,
  });
  assert.ok(shapes[1].type === "circle" && shapes[1].x === 0 && shapes[1].y === 1);
  assert.ok(shapes[2].type === "polygon" && shapes[2].points.length === 8, "box: 4 hull corners");
  const top = projectGeoms({ type: [2], size: [0.2, 0, 0] }, [0, 3, 1], I, "xy");
  assert.ok(top[0].type === "circle" && top[0].y === 3, "x–y view uses y");
});

Deno.test("render records a Box2D and a MuJoCo episode (no refusal)", async () => {
  const policy = { predict: () => new Float32Array([0.3, -0.3, 0.3, -0.3]) };
  const [walker] = await recordEpisodes(policy, "BipedalWalker-v3", { seed: 3, maxSteps: 8 });
  assert.equal(walker.frames.length, 9);
  const [hopper] = await recordEpisodes(
    { predict: () => new Float32Array([0.1, -0.1, 0.1]) },
    "Hopper-v5",
    { seed: 3, maxSteps: 8 },
  );
  assert.equal(hopper.frames.length, hopper.length + 1);
  for (const f of hopper.frames) parseFrame(f, "Hopper-v5");
});

Deno.test("a MuJoCo frame reads fresh poses after other envs grew Wasm memory", async () => {
  const hopper = await make("Hopper-v5", { seed: 1 });
  await hopper.reset({ seed: 1 });
  const before = parseFrame(renderFrameOf(hopper), "before");
  let inner = hopper as Env & { env?: Env; data?: { geom_xpos: Float64Array } };
  while (inner.data === undefined && inner.env !== undefined) inner = inner.env;
  const oldView = inner.data!.geom_xpos;
  const others: Env[] = [];
  for (let k = 0; k < 12; k++) others.push(await make("Ant-v5", { seed: k }));
  for (const e of others) await e.reset({ seed: 1 });
  assert.equal(oldView.length, 0, "memory grew: the view taken before is detached");
  await hopper.step(new Float32Array([1, -1, 1]));
  const after = parseFrame(renderFrameOf(hopper), "after");
  assert.equal(after.shapes.length, before.shapes.length);
  assert.notDeepEqual(after, before);
  for (const e of [...others, hopper]) await e.close?.();
});

Deno.test("the oblique view paints the floor first, then from back (large y) to front", () => {
  const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const shapes = projectGeoms(
    { type: [2, 0, 2], size: [0.1, 0, 0, 5, 5, 0, 0.2, 0, 0] },
    [0, -1, 0, 0, 0, 0, 0, 1, 0],
    [...I, ...I, ...I],
    "oblique",
  );
  assert.equal(shapes[0].type, "polygon");
  assert.ok(shapes[1].type === "circle" && shapes[1].r === 0.2, "the far sphere (y = 1) next");
  assert.ok(shapes[2].type === "circle" && shapes[2].r === 0.1, "the near sphere last");
});

Deno.test("cli render writes a replay of a LunarLanderContinuous run (no refusal)", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const tmp = await Deno.makeTempDir({ prefix: "ascent-render-box2d-" });
  const run = async (script: string, args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", `--lock=${root}deno.lock`, "-A", `${root}cli/${script}`, ...args],
      cwd: tmp,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.ok(out.success, `${script}: ${text}`);
    return text;
  };
  try {
    const dir = `${tmp}/ll`;
    await run("train.ts", [
      "--env",
      "LunarLanderContinuous-v3",
      "--preset",
      "default",
      "--steps",
      "256",
      "--eval-episodes",
      "1",
      "--no-onnx",
      "--quiet",
      "--out",
      dir,
    ]);
    const text = await run("render.ts", [dir, "--out", `${dir}/ep.svg`]);
    const summary = JSON.parse(text.trim().split("\n").filter((l) => l.startsWith("{")).at(-1)!);
    assert.equal(summary.env, "LunarLanderContinuous-v3");
    const svg = await Deno.readTextFile(`${dir}/ep.svg`);
    assert.equal(svg.match(/<g class="f"/g)?.length, summary.lengths[0] + 1);
    assert.match(svg, /#8064e6/, "the lander body is drawn");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
