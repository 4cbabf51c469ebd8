/**
 * Agents accept an environment instance or a factory as well as an id (as SB3 users pass
 * wrapped environments), and `maxEpisodeSteps` in the training configuration sets the time
 * limit of training episodes.
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError, createAgent, CUSTOM_ENV_ID, evaluate, PPO } from "../algorithms/mod.ts";
import { CartPoleEnv } from "../envs/classic/mod.ts";

Deno.test("a factory makes each training copy; an instance trains with numEnvs 1", async () => {
  let made = 0;
  const factory = () => {
    made++;
    return new CartPoleEnv();
  };
  const agent = createAgent("a2c", { env: factory, numEnvs: 3, hiddenSizes: [8] });
  await agent.learn({ totalTimesteps: 300 });
  assert.equal(made, 3);
  assert.equal(agent.config.env, CUSTOM_ENV_ID);
  assert.ok(agent.timesteps >= 300);

  const one = new PPO({ env: new CartPoleEnv(), numEnvs: 1, numSteps: 32, hiddenSizes: [8] });
  await one.learn({ totalTimesteps: 128 });
  assert.equal(one.timesteps, 128);
  const { returns } = await evaluate(one, new CartPoleEnv(), { episodes: 2 });
  assert.equal(returns.length, 2);

  await assert.rejects(
    () => new PPO({ env: new CartPoleEnv(), numEnvs: 2 }).ready(),
    (e: Error) => e instanceof ConfigError && /numEnvs.*factory/.test(e.message),
  );
});

Deno.test("maxEpisodeSteps in the config caps training episodes (id, factory and default)", async () => {
  for (const env of ["CartPole-v1", () => new CartPoleEnv()]) {
    const agent = new PPO({ env, numEnvs: 2, numSteps: 64, hiddenSizes: [8], maxEpisodeSteps: 7 });
    const lengths: number[] = [];
    await agent.learn({
      totalTimesteps: 1024,
      callbacks: { onEpisodeEnd: (e) => void lengths.push(e.length) },
    });
    assert.ok(lengths.length > 0);
    assert.ok(Math.max(...lengths) <= 7, `longest episode ${Math.max(...lengths)}`);
    assert.ok(lengths.includes(7), "some episode reaches the limit");
  }
  assert.equal(new PPO({ env: "CartPole-v1" }).config.maxEpisodeSteps, null);
});
