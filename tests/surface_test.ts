/**
 * The public surface: the root module exports what a toolkit user needs and none of the
 * internals, and every subpath of `deno.json`'s `exports` is a folder's `mod.ts` that loads.
 */
import assert from "node:assert/strict";
import * as root from "../mod.ts";

Deno.test("the root export holds the user-facing API", () => {
  const names = Object.keys(root);
  for (
    const name of [
      "REINFORCE",
      "A2C",
      "VPG",
      "TRPO",
      "PPOKL",
      "PPO",
      "createAgent",
      "loadAgent",
      "resolveConfig",
      "evaluate",
      "make",
      "register",
      "makeVectorEnv",
      "VectorEnv",
      "TimeLimit",
      "NormalizeObservation",
      "exportOnnx",
      "loadPlugins",
      "CheckpointError",
      "ConfigError",
      "EnvError",
      "PluginError",
      "NonFiniteError",
      "Rng",
      "VERSION",
    ]
  ) assert.ok(names.includes(name), `mod.ts lacks ${name}`);
});

Deno.test("the root export holds no internals", () => {
  const names = Object.keys(root);
  for (
    const name of [
      "RolloutScratch",
      "EnvRunner",
      "writeFileAtomic",
      "encodeModel",
      "decodeModel",
      "SANDBOX_TIMEOUT_MS",
      "YOUNG_CALLS",
      "EnvWorker",
      "crc32",
      "nn",
      "tabular",
    ]
  ) assert.ok(!names.includes(name), `mod.ts exports the internal ${name}`);
  assert.ok(names.length < 60, `mod.ts exports ${names.length} runtime values`);
});

Deno.test("every subpath export is a module that loads", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const exports = config.exports as Record<string, string>;
  for (const sub of ["./envs", "./algorithms", "./policies", "./nn", "./plugins", "./onnx"]) {
    assert.ok(sub in exports, `deno.json exports lack ${sub}`);
  }
  for (const [sub, path] of Object.entries(exports)) {
    assert.match(path, /^\.\/(mod|onnx)\.ts$|\/mod\.ts$/, `${sub} → ${path}`);
    const mod = await import(new URL(`../${path}`, import.meta.url).href);
    assert.ok(Object.keys(mod).length > 0, `${sub} exports nothing`);
  }
});
