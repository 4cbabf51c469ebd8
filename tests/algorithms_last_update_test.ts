/**
 * `Agent.saveLastUpdate`: after a rollout fails half-way (an environment wait cut short by
 * Ctrl-C), the state at the end of the last completed update is saved — and resuming
 * from it reaches the uninterrupted run's parameters bit for bit, so nothing of the
 * half-done rollout leaked into it.
 * @module
 */
import assert from "node:assert/strict";
import { createAgent, loadAgent } from "../algorithms/mod.ts";
import { CartPoleEnv } from "../envs/classic/mod.ts";
import { register } from "../envs/mod.ts";

/** Copy steps so far (all copies together), and the one that fails. */
let stepsTaken = 0;
let failAt = Infinity;

function tick(): void {
  if (++stepsTaken === failAt) throw new Error("the wait was cut short");
}

/** CartPole whose `failAt`-th copy step throws (on the fast path and the generic one). */
class FlakyCartPole extends CartPoleEnv {
  override step(action: number) {
    tick();
    return super.step(action);
  }
  override stepInto(...args: Parameters<CartPoleEnv["stepInto"]>): number {
    tick();
    return super.stepInto(...args);
  }
}
register({ id: "TestFlakyCartPole-v0", create: () => new FlakyCartPole(), maxEpisodeSteps: 500 });

function flat(agent: { policy: { parameters(): { data: Float32Array }[] } }): number[] {
  return agent.policy.parameters().flatMap((p) =>
    Array.from(new Uint32Array(p.data.slice().buffer))
  );
}

Deno.test("saveLastUpdate: a rollout cut short is dropped; resuming from the saved update is bit-exact", async () => {
  const config = {
    env: "TestFlakyCartPole-v0",
    seed: 3,
    numEnvs: 2,
    numSteps: 5,
    hiddenSizes: [8],
  };
  const total = 400;
  const uninterrupted = createAgent("a2c", config);
  await uninterrupted.learn({ totalTimesteps: total });
  const dir = await Deno.makeTempDir();
  try {
    const cut = createAgent("a2c", config);
    assert.equal(await cut.saveLastUpdate(dir), null, "nothing before learn");
    stepsTaken = 0;
    failAt = 203; // in the middle of the 21st rollout (10 copy steps each)
    let lastEnd = -1;
    await assert.rejects(
      cut.learn({
        totalTimesteps: total,
        checkpointDir: dir,
        callbacks: { onUpdateEnd: (m) => void (lastEnd = m.timesteps) },
      }),
      /the wait was cut short/,
    );
    assert.ok(cut.timesteps > lastEnd, "the failed rollout had counted steps");
    const saved = await cut.saveLastUpdate(dir);
    assert.deepEqual(saved, { timesteps: lastEnd, updates: lastEnd / 10 });
    failAt = Infinity;
    const resumed = await loadAgent(dir);
    assert.equal(resumed.timesteps, lastEnd);
    await resumed.learn({ totalTimesteps: total - resumed.timesteps });
    assert.equal(resumed.timesteps, uninterrupted.timesteps);
    assert.deepEqual(flat(resumed), flat(uninterrupted), "parameters differ");
    await Promise.all([cut.close(), resumed.close(), uninterrupted.close()]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
