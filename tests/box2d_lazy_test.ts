/**
 * planck stays out of programs that do not make a Box2D environment: with an empty Deno
 * cache, importing the toolkit's `mod.ts` (which registers the Box2D ids) and running a
 * classic-control environment downloads zod only. The program lives in a folder without
 * `deno.json`, as a user's would.
 * @module
 */
import assert from "node:assert/strict";

Deno.test("importing mod.ts and stepping CartPole does not download planck", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_box2d_lazy_" });
  try {
    const entry = new URL("../mod.ts", import.meta.url).href;
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      [
        `import { make, spec } from "${entry}";`,
        `const env = await make("CartPole-v1", { seed: 0 });`,
        `const r = await env.step(1);`,
        `console.log(JSON.stringify({ reward: r.reward, lander: spec("LunarLander-v3").maxEpisodeSteps }));`,
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
      reward: 1,
      lander: 1000,
    });
    assert.doesNotMatch(stderr, /planck/);
    const registry = `${dir}/deno_dir/npm/registry.npmjs.org`;
    const packages = [...Deno.readDirSync(registry)].map((e) => e.name);
    assert.ok(packages.includes("zod"), `expected zod in ${packages}`);
    assert.ok(!packages.includes("planck"), `downloaded: ${packages}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
