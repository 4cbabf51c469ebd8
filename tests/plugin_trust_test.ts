/**
 * A plugin's trust level is part of the run: a plugin the run sandboxed is sandboxed
 * again when the run's plugins are reloaded, and only `--no-sandbox` lowers it, with a
 * warning (fixture `tests/fixtures/plugins/trust_probe.ts`, whose reward says whether it
 * can read files).
 * @module
 */
import assert from "node:assert/strict";
import { make } from "../envs/mod.ts";
import { UsageError } from "../cli/args.ts";
import { loadRunPlugins, sandboxChoice } from "../cli/plugin_trust.ts";
import { EnvWorker } from "../plugins/mod.ts";

const probe = new URL("./fixtures/plugins/trust_probe.ts", import.meta.url).pathname;

async function rewardOf(id: string): Promise<number> {
  const env = await make(id, { check: false });
  try {
    await env.reset({ seed: 0 });
    return (await env.step(0)).reward;
  } finally {
    await env.close?.();
  }
}

Deno.test("plugin trust: sandbox choice per spec; --sandbox with --no-sandbox is a usage error", () => {
  assert.equal(sandboxChoice("a.ts", ["a.ts"], {}), true);
  assert.equal(sandboxChoice("b.ts", ["a.ts"], {}), undefined);
  assert.equal(sandboxChoice("b.ts", [], { sandbox: true }), true);
  assert.equal(sandboxChoice("a.ts", ["a.ts"], { "no-sandbox": true }), false);
  assert.throws(() => sandboxChoice("a.ts", [], { sandbox: true, "no-sandbox": true }), UsageError);
});

Deno.test("plugin trust: a run's sandboxed plugin is reloaded sandboxed; --no-sandbox lowers it with a warning", async () => {
  const warnings: string[] = [];
  const sandboxedRun = { plugins: [probe], sandboxedPlugins: [probe] };
  const first = await loadRunPlugins(sandboxedRun, {}, (m) => warnings.push(m));
  try {
    assert.deepEqual(first.sandboxed, [probe]);
    assert.equal(first.report.plugins[0].sandboxed, true);
    assert.equal(await rewardOf("trust/Probe-v0"), 0, "sandboxed: no file access");
  } finally {
    for (const p of first.report.plugins) p.unregister();
  }
  assert.equal(warnings.length, 0);
  const lowered = await loadRunPlugins(
    sandboxedRun,
    { "no-sandbox": true },
    (m) => warnings.push(m),
  );
  try {
    assert.deepEqual(lowered.sandboxed, []);
    assert.equal(await rewardOf("trust/Probe-v0"), 1, "in process: file access");
  } finally {
    for (const p of lowered.report.plugins) p.unregister();
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /ran in the sandbox when this run was trained; --no-sandbox runs it/);
  EnvWorker.terminateAll();
});
