/**
 * `WorkerVectorEnv` validates every reply on the host: a plugin that forges what its
 * Worker or sandbox process sends (NaN rewards past disabled Worker-side checks, episode
 * ends with no finished episode) fails with a `PluginError` naming the plugin and the copy
 * (fixture `tests/fixtures/plugins/forger.ts`).
 * @module
 */
import assert from "node:assert/strict";
import { Registry } from "../envs/registry.ts";
import { PluginError } from "../plugins/errors.ts";
import { loadPlugin } from "../plugins/loader.ts";
import { EnvWorker } from "../plugins/sandbox/channel.ts";
import { WorkerVectorEnv } from "../plugins/worker_vector.ts";

const forger = new URL("./fixtures/plugins/forger.ts", import.meta.url);

async function firstStepError(registry: Registry, id: string): Promise<unknown> {
  const vec = await WorkerVectorEnv.create(id, { numEnvs: 3, numWorkers: 1, registry });
  try {
    await vec.reset(0);
    await vec.step(new Int32Array(3));
    return null;
  } catch (e) {
    return e;
  } finally {
    await vec.close();
  }
}

for (const sandbox of [false, true]) {
  Deno.test(`WorkerVectorEnv: forged replies are refused on the host (${sandbox ? "sandboxed" : "Worker"})`, async () => {
    const registry = new Registry();
    await loadPlugin(forger, { registry, sandbox, check: false });
    const nan = await firstStepError(registry, "forger/ForgedReward-v0");
    assert.ok(nan instanceof PluginError, String(nan));
    assert.match(
      nan.message,
      /^plugin forger \(file:.*forger\.ts\): \[forger\/ForgedReward-v0\] vecStep: rewards\.0: must be a finite number/,
    );
    const end = await firstStepError(registry, "forger/ForgedEnd-v0");
    assert.ok(end instanceof PluginError, String(end));
    assert.match(
      end.message,
      /vecStep: terminated\.0: says the episode ended, but no finished episode is reported/,
    );
    assert.equal(await firstStepError(registry, "forger/Honest-v0"), null);
    assert.equal(EnvWorker.liveCount(), 0);
  });
}
