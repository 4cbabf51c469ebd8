/**
 * ONNX Runtime stays out of programs that do not run models: with an empty Deno cache,
 * importing the whole `onnx.ts` entry point and exporting a model downloads zod only.
 * The program lives in a folder without `deno.json`, as a user's would.
 * @module
 */
import assert from "node:assert/strict";

Deno.test("importing onnx.ts and exporting a model does not download onnxruntime-node", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_onnx_lazy_" });
  try {
    const entry = new URL("../onnx.ts", import.meta.url).href;
    const testing = new URL("../policies/onnx/testing.ts", import.meta.url).href;
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      [
        `import { exportOnnx, OnnxPolicy, readOnnxInfo } from "${entry}";`,
        `import { randomPolicySpec } from "${testing}";`,
        `const spec = randomPolicySpec({ seed: 1, obsShape: [4], action: { type: "discrete", n: 2 } });`,
        `const info = readOnnxInfo(await exportOnnx(spec, null));`,
        `console.log(JSON.stringify({ inputs: info.inputs.length, load: typeof OnnxPolicy.load }));`,
      ].join("\n"),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-lock", `--allow-read=${dir}`, `${dir}/main.ts`],
      cwd: dir,
      env: { DENO_DIR: `${dir}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
      inputs: 1,
      load: "function",
    });
    assert.doesNotMatch(stderr, /onnxruntime/);
    const registry = `${dir}/deno_dir/npm/registry.npmjs.org`;
    const packages = [...Deno.readDirSync(registry)].map((e) => e.name);
    assert.ok(packages.includes("zod"), `expected zod in ${packages}`);
    assert.ok(!packages.some((p) => p.startsWith("onnxruntime")), `downloaded: ${packages}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
