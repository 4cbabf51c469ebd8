/**
 * `tools/check_layers.ts`: the import parser, each rule, a violating temporary tree (exit
 * status 1, naming file, line and rule) and the real repository (exit status 0).
 */
import assert from "node:assert/strict";
import { checkFile, findImports } from "../tools/check_layers.ts";
import type { ObsNormStats } from "../envs/mod.ts";
import type { ObsNormSpec } from "../policies/mod.ts";

const CHECKER = new URL("../tools/check_layers.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

async function runChecker(root: string): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", CHECKER, root],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("findImports reads static, type, side-effect, re-export and literal dynamic imports", () => {
  const source = [
    'import { a } from "./a.ts";',
    'import type { B } from "./b.ts";',
    'import * as c from "./c.ts";',
    'import d, { e } from "./d.ts";',
    'import "./side.ts";',
    'export { f } from "./f.ts";',
    'export * from "./g.ts";',
    'export * as h from "./h.ts";',
    'export type { I } from "./i.ts";',
    'const j = await import("./j.ts");',
    "const k = await import(`./k.ts`);",
    "import {",
    "  l,",
    "  type M,",
    '} from "./l.ts";',
  ].join("\n");
  assert.deepEqual(findImports(source), [
    { specifier: "./a.ts", line: 1, dynamic: false },
    { specifier: "./b.ts", line: 2, dynamic: false },
    { specifier: "./c.ts", line: 3, dynamic: false },
    { specifier: "./d.ts", line: 4, dynamic: false },
    { specifier: "./side.ts", line: 5, dynamic: false },
    { specifier: "./f.ts", line: 6, dynamic: false },
    { specifier: "./g.ts", line: 7, dynamic: false },
    { specifier: "./h.ts", line: 8, dynamic: false },
    { specifier: "./i.ts", line: 9, dynamic: false },
    { specifier: "./j.ts", line: 10, dynamic: true },
    { specifier: "./k.ts", line: 11, dynamic: true },
    { specifier: "./l.ts", line: 15, dynamic: false },
  ]);
});

Deno.test("findImports ignores comments, strings, templates, regexps and computed imports", () => {
  const source = [
    '// import { x } from "./comment.ts";',
    "/**",
    " * ```ts",
    ' * import { y } from "./doc.ts";',
    " * ```",
    " */",
    "const s = \"import { z } from './string.ts'\";",
    'const t = `import { w } from "./template.ts"; ${"./inner.ts"} import("./t2.ts")`;',
    'const r = /import\\("x"\\)/g;',
    "const m = await import(specifier);",
    "const meta = import.meta.url;",
    "export const v = 1;",
    "export { v as u };",
    'import { real } from "./real.ts";',
  ].join("\n");
  assert.deepEqual(findImports(source), [{ specifier: "./real.ts", line: 14, dynamic: false }]);
});

Deno.test("checkFile applies the layer, extension and specifier rules", () => {
  const rules = (file: string, line: string) => checkFile(file, line).map((v) => v.rule);
  // Layers.
  assert.deepEqual(rules("envs/a.ts", 'import "../policies/spec.ts";'), ["layer"]);
  assert.deepEqual(rules("envs/a.ts", 'import "../deps.ts"; import "../random.ts";'), []);
  assert.deepEqual(rules("nn/a.ts", 'import "../envs/spaces.ts";'), ["layer"]);
  assert.deepEqual(rules("policies/onnx/a.ts", 'import "../../envs/spaces.ts";'), []);
  assert.deepEqual(rules("policies/a.ts", 'import "../envs/registry.ts";'), ["layer"]);
  assert.deepEqual(rules("policies/a.ts", 'import "../algorithms/mod.ts";'), ["layer"]);
  assert.deepEqual(rules("plugins/a.ts", 'import "../envs/mod.ts";'), []);
  assert.deepEqual(rules("plugins/a.ts", 'import "../nn/mod.ts";'), ["layer"]);
  assert.deepEqual(rules("algorithms/a.ts", 'import "../plugins/mod.ts";'), ["layer"]);
  assert.deepEqual(rules("algorithms/a.ts", 'import "../cli/args.ts";'), ["layer"]);
  assert.deepEqual(rules("mod.ts", 'export * from "./cli/train.ts";'), ["layer"]);
  assert.deepEqual(rules("random.ts", 'import "./deps.ts";'), ["layer"]);
  assert.deepEqual(rules("tests/a_test.ts", 'import "../cli/args.ts";'), []);
  assert.deepEqual(rules("newfolder/a.ts", 'import "../deps.ts";'), ["layer"]);
  assert.deepEqual(rules("envs/a.ts", 'const m = await import("../cli/x.ts");'), ["layer"]);
  // Extensions.
  assert.deepEqual(rules("envs/a.ts", 'import "./b";'), ["extension"]);
  assert.deepEqual(rules("tests/a_test.ts", 'import "./b.js";'), ["extension"]);
  // Specifiers.
  assert.deepEqual(rules("envs/a.ts", 'import { z } from "zod";'), ["specifier"]);
  assert.deepEqual(rules("envs/a.ts", 'import { z } from "npm:zod";'), ["specifier"]);
  assert.deepEqual(rules("envs/a.ts", 'import { z } from "npm:zod@^4.6.7";'), ["specifier"]);
  assert.deepEqual(rules("envs/a.ts", 'import { z } from "npm:zod@4.6.7";'), []);
  assert.deepEqual(rules("nn/a.ts", 'import "npm:@scope/pkg@1.2.3/sub";'), []);
  assert.deepEqual(rules("plugins/a.ts", 'import { parseArgs } from "node:util";'), []);
  assert.deepEqual(rules("tests/a_test.ts", 'import { z } from "zod";'), []);
  assert.deepEqual(rules("cli/a.ts", 'import { z } from "zod";'), ["specifier"]);
});

Deno.test("check_layers fails on a tree with a crossing import, naming file, line and rule", async () => {
  const root = await Deno.makeTempDir({ prefix: "ascent-layers-" });
  try {
    await Deno.mkdir(`${root}/envs`);
    await Deno.mkdir(`${root}/policies`);
    await Deno.writeTextFile(`${root}/deps.ts`, "export const z = 1;\n");
    await Deno.writeTextFile(`${root}/policies/spec.ts`, "export type X = number;\n");
    await Deno.writeTextFile(
      `${root}/envs/wrapper.ts`,
      '/** A wrapper. */\nimport "../deps.ts";\nimport type { X } from "../policies/spec.ts";\n' +
        "export const x: X = 1;\n",
    );
    const { code, stderr } = await runChecker(root);
    assert.equal(code, 1);
    assert.match(stderr, /^envs\/wrapper\.ts:3: layer: envs may not import policies\/spec\.ts/m);
    assert.match(stderr, /1 broken rule/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("check_layers passes on the repository", async () => {
  const { code, stderr } = await runChecker(ROOT);
  assert.equal(stderr, "");
  assert.equal(code, 0);
});

Deno.test("envs' ObsNormStats and policies' ObsNormSpec stay assignable both ways", () => {
  const stats: ObsNormStats = {
    mean: new Float64Array(2),
    var: new Float64Array([1, 1]),
    epsilon: 1e-8,
    clip: 10,
  };
  const spec: ObsNormSpec = stats;
  const back: ObsNormStats = spec;
  type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
  const same: Same<ObsNormStats, ObsNormSpec> = true;
  assert.equal(same, true);
  assert.equal(back, stats);
});
