/**
 * Writing an environment: a hand-written `Env` with Gymnasium's semantics, validated by the
 * checker, registered under an id, and trained with REINFORCE (with a learned baseline).
 *
 *     deno run examples/custom_env.ts
 *
 * The task: a walker on positions 0…9 starts at 0 and must reach 9. Each step costs −0.1;
 * reaching 9 gives +1 and terminates the episode (no bootstrapping); the registry's time
 * limit truncates it after 50 steps (bootstrapping from the final observation).
 * @module
 */
import {
  checkEnv,
  type Env,
  evaluate,
  register,
  REINFORCE,
  type ResetOptions,
  type ResetResult,
  Rng,
  type StepResult,
} from "../mod.ts";

const LENGTH = 10;

class WalkEnv implements Env {
  readonly observationSpace = { type: "box" as const, low: 0, high: 1, shape: [1] };
  readonly actionSpace = { type: "discrete" as const, n: 2 }; // 0: left, 1: right
  #rng = new Rng(0);
  #position = 0;

  reset(options: ResetOptions = {}): ResetResult {
    if (options.seed !== undefined) this.#rng = new Rng(options.seed);
    this.#position = this.#rng.integer(3); // start in 0, 1 or 2
    return { observation: this.#observe(), info: {} };
  }

  step(action: number | Float32Array | Int32Array): StepResult {
    const move = action === 1 ? 1 : -1;
    this.#position = Math.min(LENGTH - 1, Math.max(0, this.#position + move));
    const terminated = this.#position === LENGTH - 1;
    return {
      observation: this.#observe(),
      reward: terminated ? 1 : -0.1,
      terminated,
      truncated: false,
      info: {},
    };
  }

  #observe(): Float32Array {
    return new Float32Array([this.#position / (LENGTH - 1)]);
  }
}

// The checker validates spaces, observations, rewards, flags and seeding.
await checkEnv(new WalkEnv(), { id: "Walk-v0" });

register({
  id: "examples/Walk-v0",
  create: () => new WalkEnv(),
  maxEpisodeSteps: 50,
  rewardThreshold: 0.2,
  description: "walk right to the end of a 10-cell line",
});

const agent = new REINFORCE({ env: "examples/Walk-v0", seed: 3, baseline: true });
const before = await evaluate(agent, "examples/Walk-v0", { episodes: 10 });
await agent.learn({ totalTimesteps: 20_000 });
const after = await evaluate(agent, "examples/Walk-v0", { episodes: 10 });
console.log(
  `mean return before training ${before.mean.toFixed(2)}, after ${after.mean.toFixed(2)}`,
);
await agent.close();
