/**
 * Sweep specifications and their expansion into trials.
 *
 * A spec (JSON) names the algorithm(s), environment(s), seeds, fixed settings and swept
 * settings:
 *
 * ```json
 * {
 *   "name": "cartpole-lr",
 *   "algo": ["ppo", "a2c"],
 *   "env": "CartPole-v1",
 *   "seeds": 3,
 *   "steps": 20000,
 *   "set": { "numEnvs": 4 },
 *   "grid": { "learningRate": [0.001, 0.0003] },
 *   "random": { "trials": 4, "seed": 0, "params": {
 *     "gamma": { "uniform": [0.95, 0.999] },
 *     "entCoef": { "logUniform": [0.0001, 0.01] },
 *     "numSteps": { "choice": [64, 128] } } },
 *   "evalEvery": 5000, "evalEpisodes": 5, "stopAtThreshold": false
 * }
 * ```
 *
 * Trials are the product algorithms × environments × grid points × random draws × seeds
 * (`seeds: N` means seeds 1…N). Random draws come from the spec's own seeded generator, so
 * expanding the same spec twice gives the same trials; `uniform` and `logUniform` values
 * are rounded to 3 significant digits (`intUniform` to integers) so that a trial's name
 * states its value exactly. Each trial is one run folder named by its settings,
 * `<algo>-<env>[-key=value…]-s<seed>`; draws that repeat an earlier setting are dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expandSweep, parseSweepSpec } from "./sweep_spec.ts";
 * const spec = parseSweepSpec({ algo: "ppo", env: "CartPole-v1", seeds: 2, grid: { gamma: [0.9, 0.99] } });
 * const trials = expandSweep(spec);
 * assert.deepEqual(trials.map((t) => t.name), [
 *   "ppo-CartPole-v1-gamma=0.9-s1", "ppo-CartPole-v1-gamma=0.9-s2",
 *   "ppo-CartPole-v1-gamma=0.99-s1", "ppo-CartPole-v1-gamma=0.99-s2",
 * ]);
 * ```
 * @module
 */
import { z } from "../../deps.ts";
import { type AlgorithmName, ALGORITHMS } from "../../algorithms/mod.ts";
import { formatZodIssues } from "../../envs/spaces.ts";
import { Rng } from "../../random.ts";

const Distribution = z.union([
  z.object({ uniform: z.tuple([z.number(), z.number()]) }).strict(),
  z.object({
    logUniform: z.tuple([z.number().positive(), z.number().positive()]),
  }).strict(),
  z.object({ intUniform: z.tuple([z.number().int(), z.number().int()]) }).strict(),
  z.object({ choice: z.array(z.unknown()).min(1) }).strict(),
]);

/** A random-search distribution. */
export type DistributionSpec = z.infer<typeof Distribution>;

const SweepSpecSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' or '-' only")
    .optional(),
  algo: z.union([z.enum(ALGORITHMS), z.array(z.enum(ALGORITHMS)).min(1)]),
  env: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  seeds: z.union([z.number().int().min(1), z.array(z.number().int()).min(1)]).default(3),
  steps: z.number().int().positive().optional(),
  preset: z.string().optional(),
  set: z.record(z.string(), z.unknown()).default({}),
  grid: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
  random: z.object({
    trials: z.number().int().positive(),
    seed: z.number().int().default(0),
    params: z.record(z.string(), Distribution),
  }).strict().optional(),
  evalEvery: z.number().int().positive().optional(),
  evalEpisodes: z.number().int().positive().optional(),
  stopAtThreshold: z.boolean().default(false),
  checkpointEvery: z.number().int().nonnegative().optional(),
  plugins: z.array(z.string()).default([]),
  onnx: z.boolean().default(true),
}).strict();

/** A validated sweep specification (see the module doc). */
export type SweepSpec = z.infer<typeof SweepSpecSchema>;

/** Validates a parsed spec; errors name the field (`where` names the file). */
export function parseSweepSpec(json: unknown, where = "sweep spec"): SweepSpec {
  const parsed = SweepSpecSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${where}: ${formatZodIssues(parsed.error)}`);
  const spec = parsed.data;
  for (const key of ["seed", "env"]) {
    for (const [field, obj] of [["set", spec.set], ["grid", spec.grid]] as const) {
      if (key in obj) {
        throw new Error(`${where}: ${field}.${key}: use the spec's "${key}s"/"env" field instead`);
      }
    }
  }
  const swept = [...Object.keys(spec.grid), ...Object.keys(spec.random?.params ?? {})];
  for (const key of swept) {
    if (key in spec.set) throw new Error(`${where}: "${key}" is both fixed (set) and swept`);
  }
  if (new Set(swept).size !== swept.length) {
    throw new Error(`${where}: a key is swept both by grid and by random`);
  }
  for (const [key, d] of Object.entries(spec.random?.params ?? {})) {
    const range = "uniform" in d
      ? d.uniform
      : "logUniform" in d
      ? d.logUniform
      : "intUniform" in d
      ? d.intUniform
      : null;
    if (range && !(range[0] <= range[1])) {
      throw new Error(`${where}: random.params.${key}: low ${range[0]} > high ${range[1]}`);
    }
  }
  return spec;
}

/** One trial: one ordinary run folder. */
export interface Trial {
  /** Position in the sweep (0-based; the Slurm array index). */
  index: number;
  /** Folder name inside the sweep folder, from the settings. */
  name: string;
  /** The group (everything but the seed), for aggregation. */
  group: string;
  /** Algorithm. */
  algo: AlgorithmName;
  /** Environment id. */
  env: string;
  /** Seed. */
  seed: number;
  /** The swept settings of this trial (grid and random), in spec order. */
  settings: Record<string, unknown>;
  /** The hyper-parameters given to `train --set`: fixed, then swept. */
  set: Record<string, unknown>;
}

/** A value as it appears in a trial's name. */
export function formatSetting(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.replace(/[^A-Za-z0-9._+-]/g, "_");
}

function cartesian(grid: Record<string, unknown[]>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

const round3 = (x: number) => Number(x.toPrecision(3));

/** Draws one value from a distribution. */
export function sample(d: DistributionSpec, rng: Rng): unknown {
  if ("uniform" in d) return round3(rng.uniformRange(d.uniform[0], d.uniform[1]));
  if ("logUniform" in d) {
    const [a, b] = d.logUniform.map(Math.log);
    return round3(Math.exp(rng.uniformRange(a, b)));
  }
  if ("intUniform" in d) {
    return d.intUniform[0] + rng.integer(d.intUniform[1] - d.intUniform[0] + 1);
  }
  return d.choice[rng.integer(d.choice.length)];
}

/** Expands a spec into its trials (see the module doc). */
export function expandSweep(spec: SweepSpec): Trial[] {
  const algos = Array.isArray(spec.algo) ? spec.algo : [spec.algo];
  const envs = Array.isArray(spec.env) ? spec.env : [spec.env];
  const seeds = typeof spec.seeds === "number"
    ? Array.from({ length: spec.seeds }, (_, i) => i + 1)
    : spec.seeds;
  const gridPoints = cartesian(spec.grid);
  let draws: Record<string, unknown>[] = [{}];
  if (spec.random) {
    const rng = new Rng(spec.random.seed);
    draws = Array.from({ length: spec.random.trials }, () => {
      const out: Record<string, unknown> = {};
      for (const [key, d] of Object.entries(spec.random!.params)) out[key] = sample(d, rng);
      return out;
    });
  }
  const trials: Trial[] = [];
  const names = new Set<string>();
  for (const algo of algos) {
    for (const env of envs) {
      for (const point of gridPoints) {
        for (const draw of draws) {
          const settings = { ...point, ...draw };
          const label = Object.entries(settings).map(([k, v]) => `-${k}=${formatSetting(v)}`)
            .join("");
          const group = `${algo}-${env.replaceAll("/", "_")}${label}`;
          for (const seed of seeds) {
            const name = `${group}-s${seed}`;
            if (names.has(name)) continue; // a random draw that repeats an earlier one
            names.add(name);
            trials.push({
              index: trials.length,
              name,
              group,
              algo,
              env,
              seed,
              settings,
              set: { ...spec.set, ...settings },
            });
          }
        }
      }
    }
  }
  return trials;
}

/** The `train` flags of a trial (without `--out`/`--resume`). */
export function trialTrainArgs(spec: SweepSpec, trial: Trial): string[] {
  const args = ["--algo", trial.algo, "--env", trial.env, "--seed", String(trial.seed)];
  if (spec.steps !== undefined) args.push("--steps", String(spec.steps));
  if (spec.preset !== undefined) args.push("--preset", spec.preset);
  for (const [k, v] of Object.entries(trial.set)) args.push("--set", `${k}=${JSON.stringify(v)}`);
  if (spec.checkpointEvery !== undefined) {
    args.push("--checkpoint-every", String(spec.checkpointEvery));
  }
  for (const p of spec.plugins) args.push("--plugin", p);
  if (!spec.onnx) args.push("--no-onnx");
  return args;
}

/** The evaluation flags of a trial (given on resume too). */
export function trialEvalArgs(spec: SweepSpec): string[] {
  const args: string[] = [];
  if (spec.evalEvery !== undefined) args.push("--eval-every", String(spec.evalEvery));
  if (spec.evalEpisodes !== undefined) args.push("--eval-episodes", String(spec.evalEpisodes));
  if (spec.stopAtThreshold) args.push("--stop-at-threshold");
  return args;
}
