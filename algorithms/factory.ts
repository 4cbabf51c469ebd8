/**
 * Agents by name, for the command line: `createAgent(algo, config)` and `loadAgent(dir)`.
 *
 * @example
 * ```ts ignore
 * import { createAgent, loadAgent } from "./factory.ts";
 * const agent = createAgent("ppo", { env: "CartPole-v1", seed: 1 });
 * await agent.learn({ totalTimesteps: 10_000, checkpointDir: "run/checkpoint" });
 * const again = await loadAgent("run/checkpoint");
 * ```
 * @module
 */
import { A2C } from "./a2c.ts";
import { loadAgentCheckpoint } from "./agent_checkpoint.ts";
import { type AlgorithmName, assertAlgorithm, type ConfigInput, type ConfigOf } from "./config.ts";
import { PPO } from "./ppo.ts";
import { PPOKL } from "./ppo_kl.ts";
import { REINFORCE } from "./reinforce.ts";
import { TRPO } from "./trpo.ts";
import { VPG } from "./vpg.ts";

/** Any of the seven agents. */
export type AnyAgent = REINFORCE | A2C | VPG | TRPO | PPOKL | PPO;

/**
 * A new agent of algorithm `algo` (one of `ALGORITHMS`) with `config` (validated; see
 * `resolveConfig` for presets).
 * @throws ConfigError for an unknown algorithm or an invalid field
 */
export function createAgent<A extends AlgorithmName>(
  algo: A,
  config: ConfigInput<ConfigOf[A]> | ConfigOf[A],
): AnyAgent {
  assertAlgorithm(algo);
  const c = config as Record<string, unknown> & { env: string };
  switch (algo) {
    case "reinforce":
      return new REINFORCE(c, "reinforce");
    case "reinforce-baseline":
      return new REINFORCE(c, "reinforce-baseline");
    case "a2c":
      return new A2C(c);
    case "vpg":
      return new VPG(c);
    case "trpo":
      return new TRPO(c);
    case "ppo-kl":
      return new PPOKL(c);
    default:
      return new PPO(c);
  }
}

/** Loads the agent saved in `dir` (by `agent.save(dir)` or a training checkpoint). */
export async function loadAgent(dir: string): Promise<AnyAgent> {
  const { algo } = (await loadAgentCheckpoint(dir)).state;
  assertAlgorithm(algo);
  switch (algo) {
    case "reinforce":
    case "reinforce-baseline":
      return await REINFORCE.load(dir);
    case "a2c":
      return await A2C.load(dir);
    case "vpg":
      return await VPG.load(dir);
    case "trpo":
      return await TRPO.load(dir);
    case "ppo-kl":
      return await PPOKL.load(dir);
    default:
      return await PPO.load(dir);
  }
}
