/**
 * planck stays out of programs that do not make a Box2D environment: with an empty Deno
 * cache, importing the toolkit's `mod.ts` (which registers the Box2D ids) and running a
 * classic-control environment downloads zod only, and loads none of the MuJoCo and Box2D
 * modules but their registration facts. The program lives in a folder without
 * `deno.json`, as a user's would.
 * @module
 */
import assert from "node:assert/strict";
import { runWithFreshDenoDir } from "./fresh_deno_dir.ts";

Deno.test("importing mod.ts and stepping CartPole does not download planck", async () => {
  const entry = new URL("../mod.ts", import.meta.url).href;
  const { output, stderr, packages, loadedModules } = await runWithFreshDenoDir(
    "ascent_box2d_lazy_",
    [
      `import { make, spec } from "${entry}";`,
      `const env = await make("CartPole-v1", { seed: 0 });`,
      `const r = await env.step(1);`,
      `console.log(JSON.stringify({ reward: r.reward, lander: spec("LunarLander-v3").maxEpisodeSteps }));`,
    ],
  );
  assert.deepEqual(output, { reward: 1, lander: 1000 });
  assert.doesNotMatch(stderr, /planck/);
  assert.ok(packages.includes("zod"), `expected zod in ${packages}`);
  assert.ok(!packages.includes("planck"), `downloaded: ${packages}`);
  // the registry's facts of the MuJoCo and Box2D ids are loaded, their modules are not
  assert.ok(loadedModules.includes("envs/classic/cartpole.ts"), `loaded: ${loadedModules}`);
  const heavy = loadedModules.filter((m) =>
    /^envs\/(box2d|mujoco)\//.test(m) && !/\/(specs|deps)\.ts$/.test(m)
  );
  assert.deepEqual(heavy, [], "MuJoCo and Box2D modules loaded by a classic-control program");
});
