/**
 * The sandbox's missing-flag safety net with ordinary permissions: a script outside any
 * project (no deno.json), run with only `--allow-read` and without
 * `--unstable-worker-options`, gets the documented `PluginError` from
 * `loadPlugin(..., { sandbox: true })` instead of Deno ending the process (exit 70).
 * @module
 */
import assert from "node:assert/strict";

const pluginsMod = new URL("../plugins/mod.ts", import.meta.url).href;
const acme = new URL("../plugins/examples/acme.ts", import.meta.url).href;

Deno.test("sandbox: missing worker-options flag under --allow-read throws PluginError, not exit 70", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_noflag_" });
  try {
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      `import { loadPlugin } from ${JSON.stringify(pluginsMod)};
try {
  await loadPlugin(${JSON.stringify(acme)}, { sandbox: true });
  console.log("loaded");
} catch (e) {
  console.log(JSON.stringify({ name: (e as Error).name, message: (e as Error).message }));
}
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "main.ts"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `exit ${out.code}: ${stderr}`);
    const caught = JSON.parse(new TextDecoder().decode(out.stdout).trim());
    assert.equal(caught.name, "PluginError");
    assert.match(caught.message, /--unstable-worker-options/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
