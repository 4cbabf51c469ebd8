/**
 * The sandbox needs neither `--unstable-worker-options` nor a `deno.json`: a script outside
 * any project sandboxes a plugin in a separate permission-less `deno` process when it may
 * start Deno (`--allow-run`), and without that permission gets a `PluginError` saying what
 * to grant, never a crash (Deno used to exit with code 70 when Worker permissions were
 * used without the unstable flag).
 * @module
 */
import assert from "node:assert/strict";

const pluginsMod = new URL("../plugins/mod.ts", import.meta.url).href;
const acme = new URL("../plugins/examples/acme.ts", import.meta.url).href;

async function runOutside(permissions: string[]): Promise<{ name?: string; message?: string }> {
  const dir = await Deno.makeTempDir({ prefix: "ascent_noflag_" });
  try {
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      `import { EnvWorker, loadPlugin } from ${JSON.stringify(pluginsMod)};
import { make as makeEnv } from ${JSON.stringify(new URL("../envs/mod.ts", import.meta.url).href)};
try {
  const ids = await loadPlugin(${JSON.stringify(acme)}, { sandbox: true });
  const env = await makeEnv(ids[0]);
  await env.reset({ seed: 0 });
  await env.close();
  console.log(JSON.stringify({ name: "loaded", message: ids.join(",") }));
} catch (e) {
  console.log(JSON.stringify({ name: (e as Error).name, message: (e as Error).message }));
}
EnvWorker.terminateAll();
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", ...permissions, "main.ts"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `exit ${out.code}: ${stderr}`);
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("sandbox: without --allow-run a PluginError says what to grant; with it, no unstable flag is needed", async () => {
  const denied = await runOutside(["--allow-read"]);
  assert.equal(denied.name, "PluginError");
  assert.match(denied.message!, /separate, permission-less deno process.*--allow-run=/);
  const allowed = await runOutside(["--allow-read", `--allow-run=${Deno.execPath()}`]);
  assert.deepEqual(allowed, { name: "loaded", message: "acme/Corridor-v0,acme/Slope-v0" });
});
