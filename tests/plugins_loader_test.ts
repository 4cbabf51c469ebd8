/**
 * Plugin loading in process: paths and URLs, registration under `name/id`, and one clear
 * error (naming source, env id and field) for every kind of bad plugin, while the other
 * plugins keep working.
 * @module
 */
import assert from "node:assert/strict";
import { Registry } from "../envs/registry.ts";
import type { Env, StepResult } from "../envs/types.ts";
import { PluginError } from "../plugins/errors.ts";
import { loadPlugin, loadPluginInfo, loadPlugins } from "../plugins/loader.ts";
import { resolvePluginUrl } from "../plugins/source.ts";

const examples = new URL("../plugins/examples/", import.meta.url);
const fixtures = new URL("./fixtures/plugins/", import.meta.url);
const acme = new URL("acme.ts", examples);
const fixture = (name: string) => new URL(name, fixtures);

/** Asserts that `promise` rejects with a PluginError whose message contains every part. */
async function rejectsNaming(
  promise: Promise<unknown> | (() => unknown),
  parts: string[],
): Promise<PluginError> {
  let error: unknown;
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof PluginError, `expected a PluginError, got ${error}`);
  for (const part of parts) {
    assert.ok(error.message.includes(part), `"${error.message}" should name ${part}`);
  }
  return error;
}

async function stepOnce(env: Env, action: number | Float32Array): Promise<StepResult> {
  await env.reset({ seed: 0 });
  return await env.step(action);
}

Deno.test("loadPlugin: relative path, absolute path and file:// URL register name/id", async () => {
  const relative = resolvePluginUrl("plugins/examples/acme.ts").href;
  const cwdRelative = new URL(`file://${Deno.cwd()}/plugins/examples/acme.ts`).href;
  assert.equal(relative, cwdRelative);
  for (const spec of [acme.pathname, acme.href, acme]) {
    const registry = new Registry();
    const ids = await loadPlugin(spec, { registry });
    assert.deepEqual(ids, ["acme/Corridor-v0", "acme/Slope-v0"]);
    const s = registry.spec("acme/Corridor-v0");
    assert.equal(s.source, acme.href);
    assert.equal(s.maxEpisodeSteps, 50);
    assert.equal(s.rewardThreshold, 0.9);
    assert.deepEqual(s.defaults, { length: 7, slip: 0 });
  }
});

Deno.test("example plugin: Corridor is solved by walking to the goal, Slope is continuous", async () => {
  const registry = new Registry();
  const info = await loadPluginInfo(acme, { registry });
  assert.equal(info.sandboxed, false);
  assert.equal(info.version, "1.0.0");
  const corridor = await registry.make("acme/Corridor-v0", { envOptions: { length: 5 } });
  const sides = new Set<number>();
  for (let episode = 0; episode < 6; episode++) {
    const first = await corridor.reset({ seed: episode });
    const goal = first.observation[1];
    sides.add(goal);
    let last: StepResult | undefined;
    let total = 0;
    for (let t = 0; t < 2; t++) {
      last = await corridor.step(goal > 0 ? 1 : 0);
      total += last.reward;
    }
    assert.equal(last?.terminated, true);
    assert.ok(Math.abs(total - 0.99) < 1e-12);
  }
  assert.deepEqual([...sides].sort(), [-1, 1], "the goal side is drawn at reset");
  const slope = await registry.make("acme/Slope-v0", { seed: 3 });
  const r = await stepOnce(slope, new Float32Array([1]));
  assert.equal(r.observation.length, 1);
  assert.ok(r.reward <= 0);
  // The time limit from the manifest is applied by make: pacing never reaches an end.
  await corridor.reset();
  let steps = 0;
  for (;;) {
    const s = await corridor.step(steps % 2);
    steps++;
    if (s.terminated || s.truncated) {
      assert.equal(s.truncated, true);
      break;
    }
  }
  assert.equal(steps, 50);
});

Deno.test("a synchronous plugin env stays synchronous (makeSync works)", async () => {
  const registry = new Registry();
  await loadPlugin(acme, { registry });
  const env = registry.makeSync("acme/Corridor-v0", { seed: 0 });
  const r = env.step(1);
  assert.ok(!(r instanceof Promise));
  assert.ok(r.observation instanceof Float32Array);
});

Deno.test("bad manifests: name, version, missing create, id pattern", async () => {
  const cases: [string, string[]][] = [
    ["bad_name.ts", ["name", '"Bad Name"', "lowercase identifier"]],
    ["bad_version.ts", ["badversion", "version", "semantic version", '"1.0"']],
    ["missing_create.ts", ["nocreate/Lonely-v0", "envs.0.create", "must be a function"]],
    ["bad_id.ts", ["badid/corridor", "envs.0.id", "Name-vN"]],
  ];
  for (const [file, parts] of cases) {
    const url = fixture(file);
    const e = await rejectsNaming(loadPlugin(url, { registry: new Registry() }), [
      url.href,
      "manifest",
      ...parts,
    ]);
    assert.equal(e.source, url.href);
  }
});

Deno.test("an id clash names both sources and leaves the registry untouched", async () => {
  const registry = new Registry();
  await loadPlugin(acme, { registry });
  const url = fixture("clash.ts");
  await rejectsNaming(loadPlugin(url, { registry }), [
    url.href,
    "acme/Corridor-v0",
    "envs.0.id",
    "already registered",
    acme.href,
  ]);
  assert.equal(registry.spec("acme/Corridor-v0").source, acme.href);
});

Deno.test("bad environments: spaces, observation length, NaN reward, throwing step/create", async () => {
  const registry = new Registry();
  const url = fixture("broken.ts");
  const ids = await loadPlugin(url, { registry });
  assert.equal(ids.length, 6);
  const cases: [string, string[]][] = [
    ["broken/BadSpaces-v0", ["create", "observationSpace.low.0", "above high"]],
    ["broken/WrongLength-v0", ["step", "observation", "3 elements", "needs 2"]],
    ["broken/NanReward-v0", ["step", "reward", "finite", "NaN"]],
    ["broken/StepThrows-v0", ["step", "the simulator exploded"]],
    ["broken/CreateThrows-v0", ["create", "TypeError: no licence for the simulator"]],
  ];
  for (const [id, parts] of cases) {
    await rejectsNaming(registry.make(id), [url.href, `[${id}]`, ...parts]);
  }
  // Without the make-time check, the failure surfaces at the call itself.
  const unchecked = new Registry();
  await loadPlugin(url, { registry: unchecked, check: false });
  const env = await unchecked.make("broken/NanReward-v0", { check: false });
  await env.reset();
  await rejectsNaming(() => env.step(0), [url.href, "[broken/NanReward-v0] step: reward"]);
  const thrower = await unchecked.make("broken/StepThrows-v0", { check: false });
  await thrower.reset();
  const e = await rejectsNaming(() => thrower.step(0), ["[broken/StepThrows-v0] step: (thrown)"]);
  assert.ok(e.cause instanceof Error);
  // The plugin's good env is unaffected.
  const good = await registry.make("broken/Good-v0");
  assert.equal((await stepOnce(good, 0)).reward, 0);
});

Deno.test("loadPlugins reports per-plugin failures and loads the rest", async () => {
  const registry = new Registry();
  const report = await loadPlugins([
    fixture("bad_name.ts"),
    acme,
    "./no/such/plugin.ts",
    "ftp://example.org/p.js",
    fixture("broken.ts"),
  ], { registry });
  assert.deepEqual(report.plugins.map((p) => p.name), ["acme", "broken"]);
  assert.equal(report.failures.length, 3);
  assert.ok(report.failures[0].error.message.includes(fixture("bad_name.ts").href));
  assert.ok(report.failures[1].error.message.includes("no/such/plugin.ts"));
  assert.ok(report.failures[1].error.message.includes("cannot import"));
  assert.ok(report.failures[2].error.message.includes("unsupported URL scheme"));
  assert.ok(registry.has("acme/Corridor-v0") && registry.has("broken/Good-v0"));
  report.plugins[0].unregister();
  assert.ok(!registry.has("acme/Corridor-v0"));
});
