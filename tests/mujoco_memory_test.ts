/**
 * Embind objects are not garbage-collected: a MuJoCo environment that forgot to free its
 * `MjModel`/`MjData` would leak Wasm memory (which never shrinks) on every make. These tests
 * make and close an environment 10,000 times, and reset one 10,000 times, and require the
 * process's resident memory to stay within a bound after a warm-up (a leaked Ant model and
 * data, several kilobytes each, would add far more than the bound over 10,000 makes).
 * @module
 */
import assert from "node:assert/strict";
import { AntEnv, loadMujoco } from "../envs/mujoco/mod.ts";

const BOUND_MB = 48;

function residentMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().rss / 2 ** 20;
}

Deno.test("make and close Ant-v5 10,000 times with bounded memory", async () => {
  const mj = await loadMujoco();
  const action = new Float32Array(8).fill(0.1);
  const cycle = (i: number) => {
    const env = new AntEnv(mj);
    env.reset({ seed: i });
    env.step(action);
    env.close();
  };
  for (let i = 0; i < 1000; i++) cycle(i);
  const warm = residentMb();
  for (let i = 0; i < 10_000; i++) cycle(i);
  const grown = residentMb() - warm;
  assert.ok(grown < BOUND_MB, `resident memory grew by ${grown.toFixed(1)} MB`);
});

Deno.test("reset Ant-v5 10,000 times with bounded memory", async () => {
  const env = new AntEnv(await loadMujoco());
  try {
    for (let i = 0; i < 1000; i++) env.reset({ seed: i });
    const warm = residentMb();
    for (let i = 0; i < 10_000; i++) env.reset({ seed: i });
    const grown = residentMb() - warm;
    assert.ok(grown < BOUND_MB, `resident memory grew by ${grown.toFixed(1)} MB`);
  } finally {
    env.close();
  }
});
