import assert from "node:assert/strict";
import {
  ALGORITHMS,
  presets,
  presetTimesteps,
  presetUsed,
  recommendedTimesteps,
  resolveConfig,
} from "../algorithms/mod.ts";
import { classicSuite } from "../bench/learn_suites/classic.ts";

/** The classic-control tasks the README promises a tuned preset for, with every algorithm. */
const CLASSIC = [
  "CartPole-v1",
  "Acrobot-v1",
  "MountainCar-v0",
  "MountainCarContinuous-v0",
  "Pendulum-v1",
];

/** The algorithm × environment pairs for which `has(algo, env)` is false. */
function missing(has: (algo: string, env: string) => boolean): string[] {
  return ALGORITHMS.flatMap((algo) =>
    CLASSIC.filter((env) => !has(algo, env)).map((env) => `${algo}@${env}`)
  );
}

Deno.test("every algorithm has a tuned preset on every classic-control task", () => {
  assert.deepEqual(missing((a, e) => presets[a as never][e] !== undefined), []);
  for (const algo of ALGORITHMS) {
    for (const env of CLASSIC) {
      assert.equal(presetUsed(algo, env), env, `${algo}@${env}`);
      // the preset is a valid configuration of that algorithm
      assert.equal(resolveConfig(algo, env).env, env);
    }
  }
});

Deno.test("every classic-control preset has the training length it was measured at", () => {
  assert.deepEqual(missing((a, e) => presetTimesteps[a as never][e] !== undefined), []);
  for (const algo of ALGORITHMS) {
    for (const env of CLASSIC) {
      const steps = recommendedTimesteps(algo, env);
      assert.ok(Number.isInteger(steps) && steps > 0, `${algo}@${env}: ${steps}`);
    }
  }
});

Deno.test("the learning benchmark trains every pair with its tuned preset", () => {
  const tuned = classicSuite.full.filter((j) => j.preset === undefined);
  assert.deepEqual(missing((a, e) => tuned.some((j) => j.algo === a && j.env === e)), []);
});

Deno.test("the check fails when a pair is missing", () => {
  const saved = presets.vpg["Acrobot-v1"];
  delete presets.vpg["Acrobot-v1"];
  try {
    assert.deepEqual(missing((a, e) => presets[a as never][e] !== undefined), ["vpg@Acrobot-v1"]);
    assert.equal(presetUsed("vpg", "Acrobot-v1"), "default");
  } finally {
    if (saved !== undefined) presets.vpg["Acrobot-v1"] = saved;
  }
});
