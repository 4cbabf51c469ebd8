/**
 * A sandboxed plugin must be one self-contained module: value imports are found (static,
 * re-exports, literal dynamic imports), type-only imports are not, and a multi-file plugin
 * under the sandbox gets a `PluginError` that says "bundle it" and names the import — not
 * a `data:` URL.
 * @module
 */
import assert from "node:assert/strict";
import { loadPlugin, PluginError } from "../plugins/mod.ts";
import { moduleImports } from "../plugins/source.ts";
import { defaultRegistry } from "../envs/registry.ts";

Deno.test("moduleImports finds value imports and skips type-only ones and comments", () => {
  const code = [
    `import type { PluginManifest } from "../plugins/mod.ts";`,
    `import { helper } from "./helper.ts";`,
    `// import { x } from "./commented.ts";`,
    `import "./side-effect.ts";`,
    `export { y } from "npm:left-pad@1.3.0";`,
    `export type { Z } from "./types.ts";`,
    `const m = await import("./lazy.ts");`,
    `/* import { q } from "./block.ts"; */`,
    `export default {} satisfies PluginManifest;`,
  ].join("\n");
  assert.deepEqual(moduleImports(code), [
    { specifier: "./helper.ts", line: 2 },
    { specifier: "./side-effect.ts", line: 4 },
    { specifier: "npm:left-pad@1.3.0", line: 5 },
    { specifier: "./lazy.ts", line: 7 },
  ]);
  assert.deepEqual(
    moduleImports(Deno.readTextFileSync(new URL("../plugins/examples/acme.ts", import.meta.url))),
    [],
  );
});

Deno.test("a multi-file plugin under the sandbox: PluginError asking for a bundle", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_multifile_" });
  try {
    await Deno.writeTextFile(`${dir}/helper.ts`, "export const N = 3;\n");
    await Deno.writeTextFile(
      `${dir}/plugin.ts`,
      `import { N } from "./helper.ts";\n` +
        `export default { name: "multi", version: "1.0.0", envs: [] , n: N };\n`,
    );
    const error = await loadPlugin(`${dir}/plugin.ts`, { sandbox: true }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof PluginError, String(error));
    assert.match(error.message, /self-contained module.*imports "\.\/helper\.ts".*bundle it/);
    assert.match(error.message, /import \(line 1\)/);
    assert.doesNotMatch(error.message, /data:|base64/);
    assert.equal(defaultRegistry.listEnvs().some((s) => s.id.startsWith("multi/")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
