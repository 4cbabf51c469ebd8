/**
 * Training on plugin environments: PPO and REINFORCE learn the example plugin's
 * environments, loaded over `http://127.0.0.1` (sandboxed: every step crosses a Worker
 * boundary) and by path (in process), and a hostile plugin loaded alongside changes
 * nothing for them.
 *
 * Corridor-v0 is solved when the deterministic policy reaches its reward threshold (0.9;
 * a policy that ignores the goal side averages about 0); Slope-v0 must improve markedly.
 * @module
 */
import assert from "node:assert/strict";
import { createAgent, evaluate } from "../algorithms/mod.ts";
import { defaultRegistry } from "../envs/registry.ts";
import { PluginError } from "../plugins/errors.ts";
import { loadPluginInfo } from "../plugins/loader.ts";
import { EnvWorker, sandboxSupport } from "../plugins/sandbox/channel.ts";

const root = new URL("../", import.meta.url);
const acme = new URL("plugins/examples/acme.ts", root);

type Algo = "ppo" | "reinforce";

/** Trains `algo` on `env` for `steps` steps; returns deterministic returns before/after. */
async function trainAndEvaluate(algo: Algo, env: string, steps: number, seed: number) {
  const agent = createAgent(algo, { env, seed, numEnvs: algo === "ppo" ? 2 : 1 });
  await agent.ready();
  const before = await evaluate(agent, env, { episodes: 20 });
  await agent.learn({ totalTimesteps: steps });
  const after = await evaluate(agent, env, { episodes: 20 });
  await agent.close();
  return { before: before.mean, after: after.mean };
}

async function checkLearning(label: string): Promise<void> {
  for (const algo of ["ppo", "reinforce"] as const) {
    const corridor = await trainAndEvaluate(algo, "acme/Corridor-v0", 4000, 2);
    assert.ok(
      corridor.after >= 0.9,
      `${label} ${algo} Corridor-v0: ${corridor.before} → ${corridor.after}`,
    );
    const slope = await trainAndEvaluate(algo, "acme/Slope-v0", 4000, 2);
    assert.ok(
      slope.after > slope.before + 5,
      `${label} ${algo} Slope-v0: ${slope.before} → ${slope.after}`,
    );
  }
}

Deno.test("PPO and REINFORCE learn the example plugin loaded by path", async () => {
  const plugin = await loadPluginInfo(acme.pathname);
  try {
    assert.equal(plugin.sandboxed, false);
    await checkLearning("by path");
  } finally {
    plugin.unregister();
  }
});

Deno.test({
  name: "PPO and REINFORCE learn the example plugin over http (sandboxed), next to a hostile one",
  ignore: sandboxSupport() === "missing",
  async fn() {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      try {
        const body = await Deno.readTextFile(new URL(`.${new URL(req.url).pathname}`, root));
        return new Response(body, { headers: { "content-type": "application/typescript" } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    });
    const plugins = [];
    try {
      const base = `http://127.0.0.1:${server.addr.port}/`;
      plugins.push(await loadPluginInfo(`${base}plugins/examples/acme.ts`));
      plugins.push(await loadPluginInfo(`${base}tests/fixtures/plugins/hostile.ts`));
      assert.ok(plugins.every((p) => p.sandboxed));
      await assert.rejects(
        () =>
          defaultRegistry.make("hostile/ReadOnCreate-v0", {
            envOptions: { path: acme.pathname },
          }),
        (e: unknown) => e instanceof PluginError && /read access/.test(e.message),
      );
      await checkLearning("over http");
      assert.equal(EnvWorker.liveCount(), 0, "every sandboxed env was closed");
    } finally {
      for (const p of plugins) p.unregister();
      EnvWorker.terminateAll();
      await server.shutdown();
    }
  },
});
