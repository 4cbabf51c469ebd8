import assert from "node:assert/strict";
import {
  AcrobotEnv,
  canRenderFrames,
  CartPoleEnv,
  type Frame,
  frameToSvg,
  make,
  MountainCarEnv,
  parseFrame,
  PendulumEnv,
  renderFrameOf,
} from "../envs/mod.ts";
import { evaluate, PPO } from "../algorithms/mod.ts";
import { episodesToJson, recordEpisodes } from "../cli/dashboard/record.ts";
import { animatedSvg } from "../cli/dashboard/replay_page.ts";

const IDS = [
  "CartPole-v1",
  "Pendulum-v1",
  "Acrobot-v1",
  "MountainCar-v0",
  "MountainCarContinuous-v0",
];

Deno.test("every classic env draws valid frames through its wrappers, changing with the state", async () => {
  for (const id of IDS) {
    const env = await make(id, { seed: 3 });
    assert.ok(canRenderFrames(env), id);
    env.reset({ seed: 3 });
    const first = parseFrame(renderFrameOf(env), id);
    const action = env.actionSpace.type === "discrete" ? 0 : new Float32Array([1]);
    for (let t = 0; t < 5; t++) env.step(action);
    const later = parseFrame(renderFrameOf(env), id);
    assert.ok(first.shapes.length >= 4, `${id}: ${first.shapes.length} shapes`);
    assert.ok(first.fps !== undefined && first.fps > 0, id);
    assert.notDeepEqual(first, later, `${id}: the frame did not change after 5 steps`);
    assert.ok(frameToSvg(later).startsWith("<svg"), id);
  }
});

Deno.test("frames put the parts where the state says", () => {
  const cart = new CartPoleEnv();
  cart.reset({ seed: 0 });
  cart.setState([1.5, 0, 0, 0]);
  const pole = cart.renderFrame().shapes.find((s) => s.type === "polygon" && s.fill === "#e07a3f");
  assert.ok(pole && pole.type === "polygon");
  const xs = pole.points.filter((_, i) => i % 2 === 0);
  assert.ok(Math.abs(Math.min(...xs) - 1.45) < 1e-9 && Math.abs(Math.max(...xs) - 1.55) < 1e-9);

  const pend = new PendulumEnv();
  pend.reset({ seed: 0 });
  pend.setState([Math.PI / 2, 0]); // rod pointing left (x = −sin θ)
  const bob = pend.renderFrame().shapes.filter((s) => s.type === "circle")[1];
  assert.ok(bob.type === "circle" && Math.abs(bob.x + 1) < 1e-12 && Math.abs(bob.y) < 1e-12);

  const acro = new AcrobotEnv();
  acro.reset({ seed: 0 });
  acro.setState([Math.PI, 0, 0, 0]); // both links straight up: tip at height 2
  const tip = acro.renderFrame().shapes.at(-1)!;
  assert.ok(tip.type === "circle" && Math.abs(tip.y - 2) < 1e-12);

  const car = new MountainCarEnv();
  car.reset({ seed: 0 });
  car.setState([0.5, 0]);
  const shapes = car.renderFrame().shapes;
  const flag = shapes[1];
  assert.ok(flag.type === "line" && flag.x1 === 0.5);
  assert.ok(shapes.some((s) => s.type === "polygon" && s.fill === "#e07a3f"));
});

Deno.test("parseFrame names the bad field", () => {
  const bad = {
    viewport: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
    shapes: [{ type: "circle", x: 0, y: NaN, r: 1 }],
  };
  assert.throws(() => parseFrame(bad, "acme/Thing-v0.renderFrame"), /acme\/Thing-v0.*shapes\.0\.y/);
  assert.throws(
    () => parseFrame({ viewport: { xMin: 1, xMax: 0, yMin: 0, yMax: 1 }, shapes: [] }, "x"),
    /xMax > xMin/,
  );
});

Deno.test("frameToSvg maps world y up to SVG y down and escapes text", () => {
  const frame: Frame = {
    viewport: { xMin: -1, xMax: 1, yMin: 0, yMax: 2 },
    shapes: [
      { type: "circle", x: 0.5, y: 1.5, r: 0.1, fill: "red" },
      { type: "text", x: 0, y: 0, text: "<a&b>", size: 0.1 },
    ],
  };
  const svg = frameToSvg(frame);
  assert.match(svg, /viewBox="0 0 2 2"/);
  assert.match(svg, /<circle cx="1.5" cy="0.5" r="0.1" fill="red"\/>/);
  assert.match(svg, /&#60;a&#38;b&#62;/);
});

Deno.test("recorded episodes have the returns of evaluate() on the same seeds", async () => {
  const agent = new PPO({ env: "CartPole-v1", seed: 4 });
  await agent.ready();
  const episodes = await recordEpisodes(agent, "CartPole-v1", {
    episodes: 3,
    seed: 70,
    deterministic: true,
  });
  const ev = await evaluate(agent, "CartPole-v1", { episodes: 3, seed: 70 });
  assert.deepEqual(episodes.map((e) => e.totalReturn), ev.returns);
  for (const e of episodes) {
    assert.equal(e.frames.length, e.length + 1);
    assert.equal(e.returns.at(-1), e.totalReturn);
    assert.equal(e.actions.length, e.length);
  }
  const json = JSON.parse(episodesToJson(episodes));
  assert.equal(json[0].frames.length, episodes[0].frames.length);
  const svg = animatedSvg(episodes[0], "t");
  assert.equal(svg.match(/<g class="f"/g)?.length, episodes[0].frames.length);
  assert.match(svg, /@keyframes show/);
  await agent.close();
});

Deno.test("training's module graph holds nothing of the dashboard, uPlot or onnxruntime-web", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `--lock=${root}deno.lock`, `${root}cli/train.ts`],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const specifiers = graph.modules.map((m) => m.specifier);
  assert.ok(
    specifiers.some((s) => s.endsWith("/envs/render.ts")),
    "the frame format is part of envs",
  );
  const leaks = specifiers.filter((s) =>
    /\/cli\/dashboard|\/cli\/render\.ts|uplot|onnxruntime-web/.test(s)
  );
  assert.deepEqual(leaks, []);
  // (graph.npmPackages lists the whole lockfile; what is downloaded is checked by setup_test.ts.)
});

Deno.test("a plugin env's renderFrame() is forwarded through the guard and validated", async () => {
  const { GuardedEnv, loadPlugins, PluginError } = await import("../plugins/mod.ts");
  const report = await loadPlugins([
    new URL("../plugins/examples/acme.ts", import.meta.url).pathname,
  ]);
  assert.deepEqual(report.failures, []);
  const env = await make("acme/Corridor-v0", { seed: 2 });
  await env.reset({ seed: 2 });
  const frame = renderFrameOf(env);
  assert.ok(frame !== undefined && frame.shapes.some((s) => s.type === "circle"));

  const ctx = { source: "inline", plugin: "bad", envId: "bad/Broken-v0" };
  const inner = {
    observationSpace: { type: "discrete", n: 2 },
    actionSpace: { type: "discrete", n: 2 },
    reset: () => ({ observation: [0], info: {} }),
    step: () => ({ observation: [0], reward: 0, terminated: true, truncated: false, info: {} }),
    renderFrame: () => ({
      viewport: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
      shapes: [{ type: "blob" }],
    }),
  };
  const guarded = new GuardedEnv(ctx, inner);
  assert.throws(
    () => guarded.renderFrame!(),
    (e: unknown) =>
      e instanceof PluginError && /bad\/Broken-v0/.test(e.message) && /renderFrame/.test(e.message),
  );
  const plain = new GuardedEnv(ctx, { ...inner, renderFrame: undefined });
  assert.equal(canRenderFrames(plain), false);
});
