/**
 * The algorithm table: one row per algorithm, with its one-line summary, its
 * hyper-parameter schema (declared at the top of the algorithm's own file) and how to
 * build or load its agent. Everything that lists algorithms reads this table: `createAgent`,
 * `loadAgent`, `parseConfig`, the presets, and the `train` command's `--algo` choices and
 * `--help`. A new algorithm is one file and one row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ALGORITHM_TABLE, ALGORITHMS, parseConfig } from "./table.ts";
 * assert.ok(ALGORITHMS.includes("ppo"));
 * assert.match(ALGORITHM_TABLE.ppo.summary, /clipped surrogate/);
 * const cfg = parseConfig("ppo", { env: "CartPole-v1", clipCoef: 0.1 });
 * assert.ok(cfg.clipCoef === 0.1 && cfg.numEnvs === 4);
 * ```
 * @module
 */
import { Agent } from "./agent.ts";
import { loadAgentCheckpoint } from "./agent_checkpoint.ts";
import {
  ConfigError,
  type ConfigInput,
  type ConfigSchema,
  parseWithSchema,
  type SchemaConfig,
} from "./config.ts";
import { A2C, a2cSchema } from "./a2c.ts";
import { PPO, ppoSchema } from "./ppo.ts";
import { PPOKL, ppoKlSchema } from "./ppo_kl.ts";
import { REINFORCE, reinforceBaselineSchema, reinforceSchema } from "./reinforce.ts";
import { TRPO, trpoSchema } from "./trpo.ts";
import { VPG, vpgSchema } from "./vpg.ts";

/** One row of the algorithm table. */
export interface AlgorithmDescriptor<S extends ConfigSchema, A> {
  /** One line: what the algorithm is, after whom its defaults are. */
  readonly summary: string;
  /** Its hyper-parameters: validators, defaults and descriptions. */
  readonly schema: S;
  /** A new agent from a validated configuration. */
  create(config: SchemaConfig<S>): A;
  /** The agent saved in `dir` (by `save` or a training checkpoint). */
  load(dir: string): Promise<A>;
}

/** An agent class, built from a validated configuration. */
type AgentClass<S extends ConfigSchema, A> = new (config: SchemaConfig<S>) => A;

function row<S extends ConfigSchema, A>(
  agent: AgentClass<S, A>,
  schema: S,
  summary: string,
): AlgorithmDescriptor<S, A> {
  const load = (dir: string) =>
    Agent.load.call(agent as unknown as new (config: never) => Agent, dir) as Promise<unknown>;
  return { summary, schema, create: (config) => new agent(config), load: load as AgentLoader<A> };
}

type AgentLoader<A> = (dir: string) => Promise<A>;

/** The seven algorithms, by name (the `--algo` values). */
export const ALGORITHM_TABLE: {
  readonly "reinforce": AlgorithmDescriptor<typeof reinforceSchema, REINFORCE>;
  readonly "reinforce-baseline": AlgorithmDescriptor<typeof reinforceBaselineSchema, REINFORCE>;
  readonly "a2c": AlgorithmDescriptor<typeof a2cSchema, A2C>;
  readonly "vpg": AlgorithmDescriptor<typeof vpgSchema, VPG>;
  readonly "trpo": AlgorithmDescriptor<typeof trpoSchema, TRPO>;
  readonly "ppo-kl": AlgorithmDescriptor<typeof ppoKlSchema, PPOKL>;
  readonly "ppo": AlgorithmDescriptor<typeof ppoSchema, PPO>;
} = {
  "reinforce": row(REINFORCE, reinforceSchema, "REINFORCE: Monte Carlo policy gradient"),
  "reinforce-baseline": row(REINFORCE, reinforceBaselineSchema, "REINFORCE, learned baseline"),
  "a2c": row(A2C, a2cSchema, "A2C: n-step advantage actor-critic (SB3's defaults)"),
  "vpg": row(VPG, vpgSchema, "VPG: GAE policy gradient, regressed critic (Spinning Up)"),
  "trpo": row(TRPO, trpoSchema, "TRPO: natural gradient in a KL trust region, line search"),
  "ppo-kl": row(PPOKL, ppoKlSchema, "PPO with an adaptive KL penalty (Schulman et al. 2017)"),
  "ppo": row(PPO, ppoSchema, "PPO with the clipped surrogate (CleanRL ppo.py's defaults)"),
};

/** The name of an algorithm: a key of {@link ALGORITHM_TABLE}. */
export type AlgorithmName = keyof typeof ALGORITHM_TABLE;

/** The algorithm names, in the table's order. */
export const ALGORITHMS: readonly AlgorithmName[] = Object.keys(ALGORITHM_TABLE) as AlgorithmName[];

/** The validated configuration type of each algorithm. */
export type ConfigOf = {
  [A in AlgorithmName]: SchemaConfig<(typeof ALGORITHM_TABLE)[A]["schema"]>;
};

/** Any validated configuration. */
export type AnyConfig = ConfigOf[AlgorithmName];

/** Any of the seven agents. */
export type AnyAgent = REINFORCE | A2C | VPG | TRPO | PPOKL | PPO;

/** Throws a `ConfigError` when `algo` is not a row of {@link ALGORITHM_TABLE}. */
export function assertAlgorithm(algo: string): asserts algo is AlgorithmName {
  if (!Object.hasOwn(ALGORITHM_TABLE, algo)) {
    throw new ConfigError("algorithm", [{
      path: "algo",
      message: `unknown algorithm; expected one of ${ALGORITHMS.join(", ")}`,
      value: algo,
    }]);
  }
}

/**
 * Validates `input` against the algorithm's schema and fills in the defaults.
 * @throws ConfigError for an unknown algorithm, or naming each invalid field and its value
 */
export function parseConfig<A extends AlgorithmName>(algo: A, input: unknown): ConfigOf[A] {
  assertAlgorithm(algo);
  const schema: ConfigSchema = ALGORITHM_TABLE[algo].schema;
  return parseWithSchema(algo, schema, input) as ConfigOf[A];
}

/**
 * A new agent of algorithm `algo` with `config` (validated; see `resolveConfig` for
 * presets).
 * @throws ConfigError for an unknown algorithm or an invalid field
 */
export function createAgent<A extends AlgorithmName>(
  algo: A,
  config: ConfigInput<ConfigOf[A]> | ConfigOf[A],
): AnyAgent {
  const valid = parseConfig(algo, config);
  const create = ALGORITHM_TABLE[algo].create as (config: ConfigOf[A]) => AnyAgent;
  return create(valid);
}

/** Loads the agent saved in `dir` (by `agent.save(dir)` or a training checkpoint). */
export async function loadAgent(dir: string): Promise<AnyAgent> {
  const { algo } = (await loadAgentCheckpoint(dir)).state;
  assertAlgorithm(algo);
  return await ALGORITHM_TABLE[algo].load(dir);
}
