/**
 * The sandbox's bounds: each sandboxed environment runs in its own permission-less `deno`
 * process with a memory limit, so a heap bomb or an ArrayBuffer bomb fails with a
 * `PluginError` naming the plugin while this process keeps running; a process that exits
 * is reported at once; `npm:` imports, the Cache API, `BroadcastChannel` between plugins
 * and the host's command line are out of reach; plugin code is never written to Deno's
 * cache; oversized modules and slow plugin hosts fail with clear errors (fixtures
 * `tests/fixtures/plugins/bombs.ts` and a loopback server).
 * @module
 */
import assert from "node:assert/strict";
import { withSilentServer } from "./silent_server.ts";
import { Registry } from "../envs/registry.ts";
import { PluginError } from "../plugins/errors.ts";
import { loadPlugin } from "../plugins/loader.ts";
import { EnvWorker } from "../plugins/sandbox/channel.ts";

const bombs = new URL("./fixtures/plugins/bombs.ts", import.meta.url);
const acme = new URL("../plugins/examples/acme.ts", import.meta.url);

async function sandboxed(memoryLimitMb = 96, timeoutMs = 20_000): Promise<Registry> {
  const registry = new Registry();
  await loadPlugin(bombs, { registry, sandbox: true, check: false, memoryLimitMb, timeoutMs });
  return registry;
}

async function failure(run: () => Promise<unknown>): Promise<PluginError> {
  try {
    await run();
  } catch (e) {
    assert.ok(e instanceof PluginError, `expected a PluginError, got ${e}`);
    return e;
  }
  assert.fail("expected a failure");
}

async function stepOnce(registry: Registry, id: string): Promise<unknown> {
  const env = await registry.make(id, { check: false });
  try {
    await env.reset({ seed: 0 });
    return await env.step(0);
  } finally {
    await env.close?.();
  }
}

/** This process still works: an in-process env steps. */
async function hostAlive(): Promise<void> {
  const registry = new Registry();
  await loadPlugin(acme, { registry, sandbox: false });
  const env = await registry.make("acme/Corridor-v0");
  await env.reset({ seed: 0 });
  assert.equal(typeof (await env.step(1)).reward, "number");
}

Deno.test("sandbox bounds: a heap bomb fails with a PluginError naming the plugin; the host keeps running", async () => {
  const registry = await sandboxed(64);
  const t = performance.now();
  const e = await failure(() => stepOnce(registry, "bombs/HeapBomb-v0"));
  assert.match(e.message, /^plugin bombs \(file:.*bombs\.ts\): \[bombs\/HeapBomb-v0\] step:/);
  assert.match(e.message, /(ran out of memory|exceeded its memory limit).*64 MiB/);
  assert.ok(performance.now() - t < 15_000, "fails within seconds, not at the call timeout");
  await hostAlive();
  assert.equal(EnvWorker.liveCount(), 0);
});

Deno.test("sandbox bounds: an ArrayBuffer bomb (outside the V8 heap) is stopped at the memory limit", async () => {
  const registry = await sandboxed(96);
  const e = await failure(() => stepOnce(registry, "bombs/BufferBomb-v0"));
  assert.match(e.message, /\[bombs\/BufferBomb-v0\] step: \(worker\): /);
  assert.match(e.message, /exceeded its memory limit of 96 MiB \(resident \d+ MiB/);
  await hostAlive();
});

Deno.test("sandbox bounds: a sandbox process that exits is reported at once, naming the exit", async () => {
  const registry = await sandboxed(96, 60_000);
  const t = performance.now();
  const e = await failure(() => stepOnce(registry, "bombs/Exit-v0"));
  assert.match(
    e.message,
    /\[bombs\/Exit-v0\] step: \(worker\): the sandbox process exited \(exit code 3\)/,
  );
  assert.ok(performance.now() - t < 10_000, `took ${Math.round(performance.now() - t)} ms`);
});

Deno.test("sandbox bounds: npm imports, the Cache API and the host's command line are out of reach", async () => {
  const registry = await sandboxed();
  const env = await registry.make("bombs/Probe-v0", { check: false });
  try {
    const { info } = await env.reset({ seed: 0 });
    const probe = info as Record<string, string>;
    assert.match(probe.npm, /^failed: .*--no-npm/, probe.npm);
    assert.match(probe.cache, /^failed: /, probe.cache);
    assert.match(probe.cmdline, /^failed: NotCapable: Requires read access/, probe.cmdline);
    assert.match(probe.parentCmdline, /^failed: NotCapable: Requires read access/);
    assert.equal(probe.args, "[]");
  } finally {
    await env.close?.();
  }
});

Deno.test("sandbox bounds: sandboxed environments cannot talk to each other over BroadcastChannel", async () => {
  const registry = await sandboxed();
  const a = await registry.make("bombs/Broadcast-v0", { check: false });
  const b = await registry.make("bombs/Broadcast-v0", { check: false });
  try {
    await a.reset({ seed: 0 });
    await b.reset({ seed: 0 });
    await a.step(0);
    const heard = (await b.step(0)).observation[0];
    assert.equal(heard, 0, "b heard a's broadcast");
  } finally {
    await a.close?.();
    await b.close?.();
  }
});

async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) n++;
  } catch { /* absent */ }
  return n;
}

Deno.test("sandbox bounds: loading sandboxed plugins writes nothing to Deno's module cache", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_cache_" });
  const cache = `${await denoDir()}/gen/data`;
  try {
    const before = await countFiles(cache);
    for (let i = 0; i < 3; i++) {
      // A distinct module each time (Deno caches each distinct data: URL).
      const text = (await Deno.readTextFile(acme)).replace(
        'name: "acme"',
        `name: "acme${i}${crypto.randomUUID().slice(0, 8)}"`,
      ) + `\nexport const padding = "${"x".repeat(200_000)}";\n`;
      const path = `${dir}/p${i}.ts`;
      await Deno.writeTextFile(path, text);
      const registry = new Registry();
      const ids = await loadPlugin(path, { registry, sandbox: true });
      const env = await registry.make(ids[0]);
      await env.close?.();
    }
    assert.equal(await countFiles(cache), before, `new files in ${cache}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sandbox bounds: modules above the size limit and plugin hosts that do not answer fail clearly", async () => {
  const big = await failure(() =>
    loadPlugin(acme, { registry: new Registry(), sandbox: true, maxBytes: 1000 })
  );
  assert.match(
    big.message,
    /load: size: the plugin module is \d+ bytes, larger than the limit of 1000 bytes/,
  );
  // A loopback server that accepts connections and never answers.
  await withSilentServer(async (base) => {
    const url = `${base}slow.ts`;
    const t = performance.now();
    const slow = await failure(() =>
      loadPlugin(url, { registry: new Registry(), fetchTimeoutMs: 300 })
    );
    assert.match(
      slow.message,
      /load: fetch: no complete answer from 127\.0\.0\.1:\d+ within 300 ms/,
    );
    assert.ok(performance.now() - t < 5000);
  });
});
