/**
 * An unsandboxed environment Worker (`WorkerVectorEnv` over a trusted plugin) whose plugin
 * ends it — `Deno.exit`, directly or through a saved reference, or the Worker's `close()` —
 * is reported at once with a `PluginError` naming the plugin and how it exited, instead of
 * a wait for an answer that never comes (fixture `tests/fixtures/plugins/quitters.ts`).
 * @module
 */
import assert from "node:assert/strict";
import { Registry } from "../envs/registry.ts";
import { PluginError } from "../plugins/errors.ts";
import { loadPlugin } from "../plugins/loader.ts";
import { EnvWorker } from "../plugins/sandbox/channel.ts";
import { WorkerVectorEnv } from "../plugins/worker_vector.ts";

const quitters = new URL("./fixtures/plugins/quitters.ts", import.meta.url);

Deno.test("WorkerVectorEnv: a trusted plugin that exits or closes its Worker fails at once, naming the plugin and the exit", async () => {
  const registry = new Registry();
  await loadPlugin(quitters, { registry, sandbox: false });
  const cases = [
    ["quitters/Exit-v0", /the Worker exited: the plugin called Deno\.exit\(4\) in its Worker/],
    ["quitters/SavedExit-v0", /the Worker exited: the plugin called Deno\.exit\(5\) in its Worker/],
    ["quitters/Close-v0", /the Worker exited: the plugin called close\(\) in its Worker/],
  ] as const;
  for (const [id, why] of cases) {
    const vec = await WorkerVectorEnv.create(id, { registry, numEnvs: 2, numWorkers: 1 });
    try {
      await vec.reset(0);
      const t = performance.now();
      const error = await vec.step(new Int32Array(2)).then(
        () => assert.fail(`${id}: step succeeded`),
        (e: unknown) => e,
      );
      const ms = performance.now() - t;
      assert.ok(error instanceof PluginError, `${id}: ${error}`);
      assert.match(
        error.message,
        new RegExp(`^plugin quitters \\(${quitters.href}\\): \\[${id}\\]`),
      );
      assert.match(error.message, why);
      assert.ok(ms < 3000, `${id}: reported after ${Math.round(ms)} ms`);
    } finally {
      await vec.close();
    }
  }
  assert.equal(EnvWorker.liveCount(), 0);
});
