/**
 * Hyper-parameters of the seven algorithms: Zod schemas with defaults, and validation
 * whose errors name the field path and the offending value.
 *
 * Every configuration is a flat object (so that `--set key=value` maps one-to-one onto a
 * field). The fields shared by all algorithms are in {@link CommonConfig}; each
 * algorithm adds its own. Defaults follow the algorithm's reference implementation
 * (Spinning Up for VPG/TRPO, Stable-Baselines3 for A2C, CleanRL for PPO); tuned
 * per-environment values live in `presets.ts`.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./config.ts";
 * const cfg = parseConfig("ppo", { env: "CartPole-v1", clipCoef: 0.1 });
 * console.assert(cfg.clipCoef === 0.1 && cfg.numEnvs === 4);
 * ```
 * @module
 */
import { z } from "../deps.ts";
import type { Schema } from "../envs/spaces.ts";

/** The algorithm names accepted by `createAgent` and the `train` command. */
export const ALGORITHMS = [
  "reinforce",
  "reinforce-baseline",
  "a2c",
  "vpg",
  "trpo",
  "ppo-kl",
  "ppo",
] as const;

/** One of {@link ALGORITHMS}. */
export type AlgorithmName = typeof ALGORITHMS[number];

const posInt = (): z.ZodNumber => z.number().int().positive();
const prob = (): z.ZodNumber => z.number().min(0).max(1);
const nonNeg = (): z.ZodNumber => z.number().min(0);
const pos = (): z.ZodNumber => z.number().positive();

/** Fields every algorithm has. */
export interface CommonConfig {
  /** Environment id, e.g. `"CartPole-v1"`. */
  env: string;
  /** Options passed to the environment's constructor (`make(id, envOptions)`). */
  envOptions: Record<string, unknown>;
  /** Seed of every random stream (environments, initialisation, sampling, shuffling). */
  seed: number;
  /** Number of parallel environments N. */
  numEnvs: number;
  /** Discount γ. */
  gamma: number;
  /** Hidden layer widths of the actor and of the critic. */
  hiddenSizes: number[];
  /** Hidden activation. */
  activation: "tanh" | "relu";
  /** Initial log standard deviation of the Gaussian policy (box actions). */
  logStdInit: number;
  /** Normalise observations with running statistics (saved in checkpoints and exports). */
  normalizeObservation: boolean;
  /** Scale rewards by a running estimate of the return's standard deviation. */
  normalizeReward: boolean;
  /** Number of recent episodes averaged in the metrics' recent return. */
  statsWindow: number;
  /** Adam ε. */
  adamEps: number;
}

/** Validated REINFORCE configuration (with or without a learned baseline). */
export interface ReinforceConfig extends CommonConfig {
  /** Complete episodes per policy update. */
  episodesPerUpdate: number;
  /** Policy learning rate (Adam). */
  learningRate: number;
  /** Use a learned state-value baseline: advantage G_t − v_φ(s_t). */
  baseline: boolean;
  /** Critic learning rate (Adam), when `baseline`. */
  vfLearningRate: number;
  /** Regression steps of the critic per update, when `baseline`. */
  vfIters: number;
  /** Normalise the weights G_t (or advantages) to zero mean, unit std per update. */
  normalizeAdvantages: boolean;
  /** Entropy bonus coefficient. */
  entCoef: number;
  /** Global gradient-norm clip (`0` = none). */
  maxGradNorm: number;
}

/** Validated A2C configuration: synchronous advantage actor-critic with n-step returns. */
export interface A2CConfig extends CommonConfig {
  /** Steps per environment per update (n of the n-step return). */
  numSteps: number;
  /** GAE λ (1 = plain n-step advantages, as SB3's A2C). */
  gaeLambda: number;
  /** Learning rate (Adam, actor and critic together). */
  learningRate: number;
  /** Linearly decay the learning rate to 0 over training. */
  annealLr: boolean;
  /** Value-loss coefficient. */
  vfCoef: number;
  /** Entropy bonus coefficient. */
  entCoef: number;
  /** Global gradient-norm clip (`0` = none). */
  maxGradNorm: number;
  /** Normalise advantages per update. */
  normalizeAdvantages: boolean;
}

/**
 * Validated VPG configuration (Spinning Up): GAE advantages, one policy step, several
 * critic regression steps.
 */
export interface VPGConfig extends CommonConfig {
  /** Steps per environment per update. */
  numSteps: number;
  /** GAE λ. */
  gaeLambda: number;
  /** Policy learning rate (Adam). */
  learningRate: number;
  /** Critic learning rate (Adam). */
  vfLearningRate: number;
  /** Critic regression steps (full batch) per update. */
  vfIters: number;
  /** Normalise advantages per update. */
  normalizeAdvantages: boolean;
  /** Entropy bonus coefficient. */
  entCoef: number;
  /** Global gradient-norm clip (`0` = none). */
  maxGradNorm: number;
}

/**
 * Validated TRPO configuration: natural gradient with a KL trust region, conjugate
 * gradient, line search.
 */
export interface TRPOConfig extends CommonConfig {
  /** Steps per environment per update. */
  numSteps: number;
  /** GAE λ. */
  gaeLambda: number;
  /** Trust-region radius δ on the mean KL(π_old‖π_new). */
  maxKl: number;
  /** Conjugate-gradient iterations. */
  cgIters: number;
  /** Damping added to the Fisher matrix: (F + damping·I) x = g. */
  damping: number;
  /** Backtracking line-search steps. */
  backtrackIters: number;
  /** Step shrink factor per backtracking step, in (0, 1). */
  backtrackCoef: number;
  /** Critic learning rate (Adam). */
  vfLearningRate: number;
  /** Critic regression steps per update (over `vfMinibatches` minibatches each). */
  vfIters: number;
  /** Minibatches per critic regression step (1 = full batch). */
  vfMinibatches: number;
  /** Normalise advantages per update. */
  normalizeAdvantages: boolean;
}

/** Validated PPO-KL configuration: PPO with an adaptive KL penalty. */
export interface PPOKLConfig extends CommonConfig {
  /** Steps per environment per update. */
  numSteps: number;
  /** GAE λ. */
  gaeLambda: number;
  /** Learning rate (Adam). */
  learningRate: number;
  /** Linearly decay the learning rate to 0 over training. */
  annealLr: boolean;
  /** Epochs over the batch per update. */
  updateEpochs: number;
  /** Minibatches per epoch. */
  numMinibatches: number;
  /** Target KL d_targ: β doubles when KL > 1.5·d_targ, halves when KL < d_targ/1.5. */
  klTarget: number;
  /** Initial penalty coefficient β. */
  klCoefInit: number;
  /** Value-loss coefficient. */
  vfCoef: number;
  /** Entropy bonus coefficient. */
  entCoef: number;
  /** Global gradient-norm clip (`0` = none). */
  maxGradNorm: number;
  /** Normalise advantages per minibatch. */
  normalizeAdvantages: boolean;
}

/** Validated PPO-clip configuration: the clipped surrogate (CleanRL's `ppo.py`). */
export interface PPOConfig extends CommonConfig {
  /** Steps per environment per update. */
  numSteps: number;
  /** GAE λ. */
  gaeLambda: number;
  /** Learning rate (Adam). */
  learningRate: number;
  /** Linearly decay the learning rate to 0 over training. */
  annealLr: boolean;
  /** Epochs over the batch per update. */
  updateEpochs: number;
  /** Minibatches per epoch. */
  numMinibatches: number;
  /** Clip range ε of the probability ratio. */
  clipCoef: number;
  /** Clip the value loss around the old values (same ε). */
  clipVloss: boolean;
  /** Value-loss coefficient. */
  vfCoef: number;
  /** Entropy bonus coefficient. */
  entCoef: number;
  /** Global gradient-norm clip (`0` = none). */
  maxGradNorm: number;
  /** Normalise advantages per minibatch. */
  normalizeAdvantages: boolean;
  /** Stop the epochs early when the approximate KL exceeds this (`null` = never). */
  targetKl: number | null;
}

/** The input form of a configuration: `env` required, everything else optional. */
export type ConfigInput<C> = Partial<C> & { env: string };

// The schemas below validate and fill in defaults; the fields are documented on the
// interfaces above, and `_schemasMatchInterfaces` keeps the two in step.

const commonSchema = z.object({
  env: z.string().min(1),
  envOptions: z.record(z.string(), z.unknown()).default({}),
  seed: z.number().int().default(0),
  numEnvs: posInt().default(1),
  gamma: prob().default(0.99),
  hiddenSizes: z.array(posInt()).default([64, 64]),
  activation: z.enum(["tanh", "relu"]).default("tanh"),
  logStdInit: z.number().default(0),
  normalizeObservation: z.boolean().default(false),
  normalizeReward: z.boolean().default(false),
  statsWindow: posInt().default(20),
  adamEps: pos().default(1e-5),
});

const reinforceSchema = commonSchema.extend({
  episodesPerUpdate: posInt().default(8),
  learningRate: pos().default(1e-3),
  baseline: z.boolean().default(false),
  vfLearningRate: pos().default(1e-3),
  vfIters: posInt().default(5),
  normalizeAdvantages: z.boolean().default(false),
  entCoef: nonNeg().default(0),
  maxGradNorm: nonNeg().default(0),
});

const a2cSchema = commonSchema.extend({
  numEnvs: posInt().default(8),
  numSteps: posInt().default(5),
  gaeLambda: prob().default(1),
  learningRate: pos().default(7e-4),
  annealLr: z.boolean().default(false),
  vfCoef: nonNeg().default(0.5),
  entCoef: nonNeg().default(0),
  maxGradNorm: nonNeg().default(0.5),
  normalizeAdvantages: z.boolean().default(false),
});

const vpgSchema = commonSchema.extend({
  numEnvs: posInt().default(4),
  numSteps: posInt().default(1000),
  gaeLambda: prob().default(0.97),
  learningRate: pos().default(3e-4),
  vfLearningRate: pos().default(1e-3),
  vfIters: posInt().default(80),
  normalizeAdvantages: z.boolean().default(true),
  entCoef: nonNeg().default(0),
  maxGradNorm: nonNeg().default(0),
});

const trpoSchema = commonSchema.extend({
  numEnvs: posInt().default(4),
  numSteps: posInt().default(1000),
  gaeLambda: prob().default(0.97),
  maxKl: pos().default(0.01),
  cgIters: posInt().default(10),
  damping: nonNeg().default(0.1),
  backtrackIters: posInt().default(10),
  backtrackCoef: z.number().gt(0).lt(1).default(0.8),
  vfLearningRate: pos().default(1e-3),
  vfIters: posInt().default(80),
  vfMinibatches: posInt().default(1),
  normalizeAdvantages: z.boolean().default(true),
});

const ppoKlSchema = commonSchema.extend({
  numEnvs: posInt().default(4),
  numSteps: posInt().default(512),
  gaeLambda: prob().default(0.95),
  learningRate: pos().default(3e-4),
  annealLr: z.boolean().default(false),
  updateEpochs: posInt().default(10),
  numMinibatches: posInt().default(4),
  klTarget: pos().default(0.01),
  klCoefInit: nonNeg().default(1),
  vfCoef: nonNeg().default(0.5),
  entCoef: nonNeg().default(0),
  maxGradNorm: nonNeg().default(0.5),
  normalizeAdvantages: z.boolean().default(true),
});

const ppoSchema = commonSchema.extend({
  numEnvs: posInt().default(4),
  numSteps: posInt().default(128),
  gaeLambda: prob().default(0.95),
  learningRate: pos().default(2.5e-4),
  annealLr: z.boolean().default(true),
  updateEpochs: posInt().default(4),
  numMinibatches: posInt().default(4),
  clipCoef: pos().default(0.2),
  clipVloss: z.boolean().default(true),
  vfCoef: nonNeg().default(0.5),
  entCoef: nonNeg().default(0.01),
  maxGradNorm: nonNeg().default(0.5),
  normalizeAdvantages: z.boolean().default(true),
  targetKl: pos().nullable().default(null),
});

/** `true` when A and B are mutually assignable and have exactly the same keys. */
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B] ? [keyof B] extends [keyof A] ? true : false : false
  : false
  : false;

// Compile-time check: fails `deno check` if a schema and its interface drift apart.
const _schemasMatchInterfaces: [
  Same<z.output<typeof commonSchema>, CommonConfig>,
  Same<z.output<typeof reinforceSchema>, ReinforceConfig>,
  Same<z.output<typeof a2cSchema>, A2CConfig>,
  Same<z.output<typeof vpgSchema>, VPGConfig>,
  Same<z.output<typeof trpoSchema>, TRPOConfig>,
  Same<z.output<typeof ppoKlSchema>, PPOKLConfig>,
  Same<z.output<typeof ppoSchema>, PPOConfig>,
] = [true, true, true, true, true, true, true];

/** The schema of each algorithm (`reinforce-baseline` is REINFORCE with `baseline: true`). */
export const CONFIG_SCHEMAS: { readonly [A in AlgorithmName]: Schema<ConfigOf[A]> } = {
  "reinforce": reinforceSchema.strict(),
  "reinforce-baseline": reinforceSchema.extend({ baseline: z.boolean().default(true) })
    .strict(),
  "a2c": a2cSchema.strict(),
  "vpg": vpgSchema.strict(),
  "trpo": trpoSchema.strict(),
  "ppo-kl": ppoKlSchema.strict(),
  "ppo": ppoSchema.strict(),
};

/** The validated configuration type of each algorithm. */
export interface ConfigOf {
  /** REINFORCE. */
  "reinforce": ReinforceConfig;
  /** REINFORCE with baseline. */
  "reinforce-baseline": ReinforceConfig;
  /** A2C. */
  "a2c": A2CConfig;
  /** VPG. */
  "vpg": VPGConfig;
  /** TRPO. */
  "trpo": TRPOConfig;
  /** PPO-KL. */
  "ppo-kl": PPOKLConfig;
  /** PPO-clip. */
  "ppo": PPOConfig;
}

/** Any validated configuration. */
export type AnyConfig = ConfigOf[AlgorithmName];

/** Thrown for an invalid configuration; the message lists `algo.path: problem (got value)`. */
export class ConfigError extends Error {
  /** The issues, one per invalid field. */
  readonly issues: { path: string; message: string; value: unknown }[];
  /** Builds the error from its issues. */
  constructor(algo: string, issues: { path: string; message: string; value: unknown }[]) {
    super(
      `invalid ${algo} config: ` +
        issues.map((i) => `${i.path}: ${i.message} (got ${show(i.value)})`).join("; "),
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Throws a `ConfigError` naming the algorithm when `algo` is not one of {@link ALGORITHMS}. */
export function assertAlgorithm(algo: string): asserts algo is AlgorithmName {
  if (!(ALGORITHMS as readonly string[]).includes(algo)) {
    throw new ConfigError("algorithm", [{
      path: "algo",
      message: `unknown algorithm; expected one of ${ALGORITHMS.join(", ")}`,
      value: algo,
    }]);
  }
}

/**
 * Validates `input` against the algorithm's schema and fills in the defaults.
 * Unknown keys are errors (a typo must not be silently ignored).
 * @throws ConfigError naming each invalid field path and its value
 */
export function parseConfig<A extends AlgorithmName>(algo: A, input: unknown): ConfigOf[A] {
  assertAlgorithm(algo);
  const schema: Schema<ConfigOf[A]> = CONFIG_SCHEMAS[algo];
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    // An unrecognised single key is reported at its own path, with its value.
    const keys = (issue as { keys?: string[] }).keys;
    const path = [...issue.path.map(String), ...(keys?.length === 1 ? keys : [])];
    return {
      path: `${algo}.${path.join(".") || "(root)"}`,
      message: issue.message,
      value: valueAt(input, path),
    };
  });
  throw new ConfigError(algo, issues);
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key as string];
  }
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 79) + "…" : s;
  } catch {
    return String(value);
  }
}

/**
 * Parses one `key=value` override (the `--set` syntax of `train`): the value is read as
 * JSON when it parses (`0.1`, `true`, `[64,64]`, `null`), as a string otherwise.
 * @throws Error when there is no `=` or the key is empty
 */
export function parseOverride(text: string): [string, unknown] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new Error(`override must look like key=value, got ${JSON.stringify(text)}`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch { /* a plain string */ }
  return [key, value];
}
