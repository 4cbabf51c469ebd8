/**
 * The plugin sandbox: plugins loaded over `http://127.0.0.1` (sandboxed by default) and by
 * path with `sandbox: true` run in permission-less Workers; a hostile plugin's attempts to
 * read a file or open a connection from `create` and `step` fail with a clear permission
 * error, while other environments keep working.
 *
 * Needs Deno's `--unstable-worker-options` (or `"unstable": ["worker-options"]` in
 * deno.json); without it these tests are skipped with a warning.
 * @module
 */
import assert from "node:assert/strict";
import { Registry } from "../envs/registry.ts";
import type { Env } from "../envs/types.ts";
import { PluginError } from "../plugins/errors.ts";
import { loadPlugin, loadPluginInfo } from "../plugins/loader.ts";
import { EnvWorker, permissionPromptPossible, sandboxSupport } from "../plugins/sandbox/channel.ts";

const support = sandboxSupport();
const ignore = support === "missing";
if (ignore) {
  console.warn(
    "plugins_sandbox_test: skipped, run with --unstable-worker-options " +
      '(or "unstable": ["worker-options"] in deno.json)',
  );
}

const root = new URL("../", import.meta.url);
const acme = new URL("plugins/examples/acme.ts", root);
const hostile = new URL("tests/fixtures/plugins/hostile.ts", root);
const broken = new URL("tests/fixtures/plugins/broken.ts", root);

/** A static server for the repository's files on 127.0.0.1, on a free port. */
function serveRepo(): { server: Deno.HttpServer<Deno.NetAddr>; base: string; hits: string[] } {
  const hits: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      hits.push(path);
      if (path === "/secret") return new Response("phoned home");
      try {
        const body = await Deno.readTextFile(new URL(`.${path}`, root));
        return new Response(body, { headers: { "content-type": "application/typescript" } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  return { server, base: `http://127.0.0.1:${server.addr.port}/`, hits };
}

async function rejectsNaming(run: () => unknown, parts: string[]): Promise<string> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof PluginError, `expected a PluginError, got ${error}`);
  for (const part of parts) {
    assert.ok(error.message.includes(part), `"${error.message}" should name ${part}`);
  }
  return error.message;
}

async function rollout(env: Env, actions: (number | Float32Array)[], seed: number) {
  const out: number[] = [];
  const first = await env.reset({ seed });
  out.push(...first.observation as Float32Array);
  for (const a of actions) {
    const s = await env.step(a);
    out.push(...s.observation as Float32Array, s.reward, Number(s.terminated));
  }
  return out;
}

Deno.test({
  name: "sandbox: flag detection sees --unstable-worker-options",
  ignore,
  fn() {
    assert.notEqual(support, "missing");
    assert.equal(permissionPromptPossible(), false, "deno test never prompts");
  },
});

Deno.test({
  name: "sandbox: a plugin over http://127.0.0.1 is sandboxed and gives the same episodes",
  ignore,
  async fn() {
    const { server, base } = serveRepo();
    try {
      const registry = new Registry();
      const url = `${base}plugins/examples/acme.ts`;
      const info = await loadPluginInfo(url, { registry });
      assert.equal(info.sandboxed, true);
      assert.deepEqual(info.ids, ["acme/Corridor-v0", "acme/Slope-v0"]);
      assert.equal(registry.spec("acme/Slope-v0").source, url);
      const local = new Registry();
      await loadPlugin(acme, { registry: local, sandbox: false });
      const discrete = [1, 0, 1, 1, 1, 1, 1, 1, 1, 1];
      const continuous = [0.5, -1, 1, 0.25].map((v) => new Float32Array([v]));
      for (const [id, actions] of [["acme/Corridor-v0", discrete], ["acme/Slope-v0", continuous]]) {
        const remote = await registry.make(id as string);
        const inProcess = await local.make(id as string);
        const a = actions as (number | Float32Array)[];
        assert.ok(remote.reset({ seed: 1 }) instanceof Promise, "the proxy env is asynchronous");
        assert.deepEqual(await rollout(remote, a, 7), await rollout(inProcess, a, 7));
        await remote.close?.();
      }
      assert.equal(EnvWorker.liveCount(), 0);
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "sandbox: a hostile plugin cannot read files or open connections, others keep working",
  ignore,
  async fn() {
    const { server, base, hits } = serveRepo();
    const secretFile = new URL("deno.json", root).pathname;
    const options = {
      path: secretFile,
      url: `${base}secret`,
      port: server.addr.port,
    };
    try {
      // Without the sandbox the same plugin really does read and phone home (-A tests).
      const trusting = new Registry();
      await loadPlugin(hostile, { registry: trusting, sandbox: false, check: false });
      const reader = await trusting.make("hostile/ReadOnCreate-v0", { envOptions: options });
      await reader.reset();
      const caller = await trusting.make("hostile/FetchOnStep-v0", { envOptions: options });
      await caller.reset();
      await caller.step(0);
      assert.ok(hits.includes("/secret"));
      hits.length = 0;

      const registry = new Registry();
      await loadPlugin(hostile, { registry, sandbox: true });
      await loadPlugin(acme, { registry, sandbox: true });
      const cases: [string, string, string][] = [
        ["hostile/ReadOnCreate-v0", "create", "read access"],
        ["hostile/FetchOnCreate-v0", "create", "net access"],
        ["hostile/ReadOnStep-v0", "step", "read access"],
        ["hostile/ConnectOnStep-v0", "step", "net access"],
        ["hostile/FetchOnStep-v0", "step", "net access"],
        ["hostile/EnvOnCreate-v0", "create", "env access"],
        ["hostile/RunOnStep-v0", "step", "run access"],
        ["hostile/ImportOnStep-v0", "step", "import access"],
      ];
      for (const [id, method, access] of cases) {
        const message = await rejectsNaming(
          () => registry.make(id, { envOptions: options }),
          [hostile.href, `[${id}] ${method}: (thrown)`, access, "plugin sandbox"],
        );
        assert.ok(!message.includes("phoned home"));
      }
      assert.deepEqual(hits, [], "no request reached the server");
      // The hostile plugin's harmless env and another plugin's env still work.
      const fine = await registry.make("hostile/Fine-v0");
      assert.equal((await fine.step(1)).reward, 0);
      await fine.close?.();
      const corridor = await registry.make("acme/Corridor-v0", { seed: 0 });
      const goal = (await corridor.reset()).observation[1];
      let reward = 0;
      for (let t = 0; t < 3; t++) reward = (await corridor.step(goal > 0 ? 1 : 0)).reward;
      await corridor.close?.();
      assert.equal(reward, 1);
      assert.equal(EnvWorker.liveCount(), 0, "failed envs had their Workers terminated");
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "sandbox: a plugin stuck in a loop is stopped by the call timeout",
  ignore,
  async fn() {
    const registry = new Registry();
    await loadPlugin(hostile, { registry, sandbox: true, timeoutMs: 400, check: false });
    const env = await registry.make("hostile/Loop-v0", { check: false });
    await env.reset();
    await rejectsNaming(() => env.step(0), [
      hostile.href,
      "[hostile/Loop-v0] step",
      "no answer to step within 400 ms",
    ]);
    const fine = await registry.make("hostile/Fine-v0");
    assert.equal((await fine.step(0)).reward, 0);
    await fine.close?.();
    await env.close?.();
    assert.equal(EnvWorker.liveCount(), 0);
  },
});

Deno.test({
  name: "sandbox: misbehaving envs give errors naming source, env id and field",
  ignore,
  async fn() {
    const registry = new Registry();
    await loadPlugin(broken, { registry, sandbox: true });
    const cases: [string, string[]][] = [
      ["broken/BadSpaces-v0", ["create", "observationSpace.low.0", "above high"]],
      ["broken/WrongLength-v0", ["step", "observation", "3 elements"]],
      ["broken/NanReward-v0", ["step", "reward", "finite", "NaN"]],
      ["broken/StepThrows-v0", ["step", "(thrown)", "the simulator exploded"]],
      ["broken/CreateThrows-v0", ["create", "no licence for the simulator"]],
    ];
    for (const [id, parts] of cases) {
      await rejectsNaming(() => registry.make(id), [broken.href, `[${id}]`, ...parts]);
    }
    assert.equal(EnvWorker.liveCount(), 0);
    // A step error from an env made without the check leaves the others alone.
    const unchecked = new Registry();
    await loadPlugin(broken, { registry: unchecked, sandbox: true, check: false });
    const nan = await unchecked.make("broken/NanReward-v0", { check: false });
    const good = await unchecked.make("broken/Good-v0");
    await nan.reset();
    await rejectsNaming(() => nan.step(0), ["[broken/NanReward-v0] step: reward"]);
    assert.equal((await good.step(0)).reward, 0);
    await nan.close?.();
    await good.close?.();
    assert.equal(EnvWorker.liveCount(), 0);
  },
});
