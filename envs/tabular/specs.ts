/**
 * Registry entries for the tabular MDPs, in the shape of the registry's `EnvSpec`
 * (`{ id, create, maxEpisodeSteps, description }`), so that they can be registered with
 * `register(spec)` and made with `make("tabular/GridWorld4x3-v0")`:
 *
 * - `tabular/ShortCorridor-v0`, `tabular/GridWorld4x3-v0`, `tabular/TwoStepTree-v0`;
 * - `tabular/RandomMdp-v0` with options `mdpSeed` (default 0), `numStates` (5),
 *   `numActions` (3) and `terminationProb` (0.2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TABULAR_ENV_SPECS } from "./specs.ts";
 * const grid = TABULAR_ENV_SPECS.find((s) => s.id === "tabular/GridWorld4x3-v0")!;
 * const env = grid.create({});
 * assert.equal(env.observationSpace.shape[0], 11);
 * ```
 * @module
 */
import { gridWorld4x3, randomMdp, shortCorridor, twoStepTree } from "./catalog.ts";
import { TabularEnv } from "./env.ts";

/** One registry entry of a tabular environment. */
export interface TabularEnvSpec {
  /** The environment id, `tabular/Name-vN`. */
  id: string;
  /** Builds one environment from options. */
  create: (options: Record<string, unknown>) => TabularEnv;
  /** The time limit `make` applies. */
  maxEpisodeSteps: number;
  /** One line on what it is. */
  description: string;
}

function integerOption(
  options: Record<string, unknown>,
  key: string,
  fallback: number,
): number {
  const v = options[key] ?? fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    throw new TypeError(`tabular/RandomMdp-v0: option ${key} must be an integer, got ${v}`);
  }
  return v;
}

/** The registry entries of the tabular environments. */
export const TABULAR_ENV_SPECS: readonly TabularEnvSpec[] = [
  {
    id: "tabular/ShortCorridor-v0",
    create: () => new TabularEnv(shortCorridor()),
    maxEpisodeSteps: 200,
    description: "Sutton & Barto's short corridor with switched actions (one-hot states)",
  },
  {
    id: "tabular/GridWorld4x3-v0",
    create: () => new TabularEnv(gridWorld4x3()),
    maxEpisodeSteps: 200,
    description: "Russell & Norvig's slippery 4×3 grid world (one-hot states)",
  },
  {
    id: "tabular/TwoStepTree-v0",
    create: () => new TabularEnv(twoStepTree()),
    maxEpisodeSteps: 2,
    description: "two stochastic decisions, then the episode ends",
  },
  {
    id: "tabular/RandomMdp-v0",
    create: (options) => {
      const p = options.terminationProb ?? 0.2;
      if (typeof p !== "number") {
        throw new TypeError(`tabular/RandomMdp-v0: option terminationProb must be a number`);
      }
      return new TabularEnv(randomMdp({
        seed: integerOption(options, "mdpSeed", 0),
        numStates: integerOption(options, "numStates", 5),
        numActions: integerOption(options, "numActions", 3),
        terminationProb: p,
      }));
    },
    maxEpisodeSteps: 500,
    description: "a seeded random finite MDP with a terminal state (options mdpSeed, …)",
  },
];
