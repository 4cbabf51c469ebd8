/**
 * The in-process guard reads each result once into plain data (`plainResult`), so getters,
 * Proxies and awkward thrown values cannot get NaN or ∞ past it, and everything thrown
 * names the plugin (fixture `tests/fixtures/plugins/tricky.ts`).
 * @module
 */
import assert from "node:assert/strict";
import { Registry } from "../envs/registry.ts";
import { PluginError } from "../plugins/errors.ts";
import { loadPlugin } from "../plugins/loader.ts";

const tricky = new URL("./fixtures/plugins/tricky.ts", import.meta.url);

/** The first step's result, or what making, resetting or stepping threw. */
async function stepError(registry: Registry, id: string): Promise<unknown> {
  try {
    const env = await registry.make(id, { check: false });
    await env.reset({ seed: 0 });
    return await env.step(0);
  } catch (e) {
    return e;
  }
}

Deno.test("guard: getters and Proxies cannot show the check one value and the trainer another", async () => {
  const registry = new Registry();
  await loadPlugin(tricky, { registry, check: false });
  const cases: [string, RegExp][] = [
    ["tricky/NaNReward-v0", /never/],
    ["tricky/NaNObservation-v0", /never/],
    ["tricky/ProxyObservation-v0", /observation\.1: must be a finite number \(got "Infinity"\)/],
    ["tricky/HugeObservation-v0", /observation\.1: must be a finite number within float32 range/],
  ];
  for (const [id, message] of cases) {
    const out = await stepError(registry, id);
    if (out instanceof PluginError) {
      assert.match(out.message, message, id);
      assert.match(out.message, /^plugin tricky \(file:.*tricky\.ts\): \[tricky\//, id);
      continue;
    }
    // Accepted: then what the trainer reads must be what was checked, read after read.
    const r = out as { reward: number; observation: Float32Array };
    for (let read = 0; read < 3; read++) {
      assert.ok(Number.isFinite(r.reward), `${id}: reward read ${read} is ${r.reward}`);
      assert.ok(r.observation instanceof Float32Array, id);
      assert.ok(r.observation.every(Number.isFinite), `${id}: observation ${r.observation}`);
    }
  }
});

Deno.test("guard: values thrown while results are read, undescribable throws and throwing then-getters name the plugin", async () => {
  const registry = new Registry();
  await loadPlugin(tricky, { registry, check: false });
  const cases: [string, RegExp][] = [
    ["tricky/ThrowingGetter-v0", /step: \(thrown\): threw RangeError: observation getter exploded/],
    ["tricky/ThrowsUndescribable-v0", /step: \(thrown\): threw a value that cannot be described/],
    ["tricky/ThrowingThen-v0", /step: \(thrown\): threw Error: then getter exploded/],
  ];
  for (const [id, message] of cases) {
    const out = await stepError(registry, id);
    assert.ok(out instanceof PluginError, `${id}: expected a PluginError, got ${String(out)}`);
    assert.match(out.message, message, id);
    assert.match(out.message, /^plugin tricky \(file:/, id);
  }
});
