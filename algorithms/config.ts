/**
 * Hyper-parameters: every field declared once (validator, one-line description), the
 * groups the algorithms share, and validation whose errors name the field path and the
 * offending value.
 *
 * Each algorithm file starts with its own schema, composed from {@link commonFields} and
 * the groups below with that algorithm's defaults (the way CleanRL keeps `Args` at the top
 * of `ppo.py`); its configuration type is {@link SchemaConfig} of that schema. Every
 * configuration is a flat object, so `--set key=value` maps one-to-one onto a field, and
 * `train --algo X --help` lists X's fields from the schema ({@link describeFields}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commonFields, describeFields, parseWithSchema, rolloutFields } from "./config.ts";
 * const schema = { ...commonFields, ...rolloutFields({ numSteps: 8, gaeLambda: 0.9 }) };
 * const cfg = parseWithSchema("toy", schema, { env: "CartPole-v1" });
 * assert.equal(cfg.numSteps, 8);
 * assert.ok(describeFields(schema).some((f) => f.name === "gaeLambda" && f.default === "0.9"));
 * ```
 * @module
 */
import { z } from "../deps.ts";
import type { Schema } from "../envs/spaces.ts";
import { attachEnvSource, type EnvSource, envSourceOf, separateEnvSource } from "./env_source.ts";

/** One hyper-parameter: its validator, with its default and its one-line description. */
export interface Field<T> {
  /** The (Zod) validator of the field. */
  readonly schema: Schema<T>;
}

/** Fields by name. */
export type Fields = Record<string, Field<unknown>>;

/** The validated configuration of `fields`: each field's type. */
export type FieldsConfig<F> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

/** The fields of {@link epochFields}. */
export type EpochFields = { updateEpochs: Field<number>; numMinibatches: Field<number> };

/**
 * A configuration schema: its fields by name (a plain object, so schemas compose by
 * spreading); the whole object is validated strictly (unknown keys are errors).
 */
export type ConfigSchema = Fields;

/** The validated configuration type of a {@link ConfigSchema}. */
export type SchemaConfig<S> = FieldsConfig<S>;

/** A field from a Zod validator (which carries the default) and a one-line description. */
export function field<S extends z.ZodType>(schema: S, description: string): Field<z.output<S>> {
  return { schema: schema.describe(description) as unknown as Schema<z.output<S>> };
}

const validators = new WeakMap<Fields, Schema<unknown>>();

/** The strict validator of the whole object `fields` describes (built once per schema). */
function validatorOf<F extends Fields>(fields: F): Schema<FieldsConfig<F>> {
  let v = validators.get(fields);
  if (!v) {
    const shape: Record<string, z.ZodType> = {};
    for (const [name, f] of Object.entries(fields)) shape[name] = f.schema as unknown as z.ZodType;
    v = z.object(shape).strict() as unknown as Schema<unknown>;
    validators.set(fields, v);
  }
  return v as Schema<FieldsConfig<F>>;
}

/** A numeric field (the schema carries bounds and default). */
export function numberField(schema: z.ZodType<number>, description: string): Field<number> {
  return field(schema, description);
}

/** A numeric field that may be `null` (for "off"). */
export function nullableNumberField(
  schema: z.ZodType<number | null>,
  description: string,
): Field<number | null> {
  return field(schema, description);
}

/** A boolean field with its default. */
export function booleanField(value: boolean, description: string): Field<boolean> {
  return field(z.boolean().default(value), description);
}

const posInt = (): z.ZodNumber => z.number().int().positive();
const prob = (): z.ZodNumber => z.number().min(0).max(1);
const nonNeg = (): z.ZodNumber => z.number().min(0);
const pos = (): z.ZodNumber => z.number().positive();

/** The fields every algorithm has: the run, the network, normalisation, Adam's ε. */
export const commonFields: {
  env: Field<string>;
  envOptions: Field<Record<string, unknown>>;
  seed: Field<number>;
  numEnvs: Field<number>;
  gamma: Field<number>;
  hiddenSizes: Field<number[]>;
  activation: Field<"tanh" | "relu">;
  logStdInit: Field<number>;
  normalizeObservation: Field<boolean>;
  normalizeReward: Field<boolean>;
  statsWindow: Field<number>;
  adamEps: Field<number>;
  maxEpisodeSteps: Field<number | null>;
} = {
  env: field(z.string().min(1), "environment id, e.g. CartPole-v1"),
  envOptions: field(
    z.record(z.string(), z.unknown()).default({}),
    "options passed to the environment's constructor",
  ),
  seed: field(
    z.number().int().default(0),
    "seed of every random stream (environments, initialisation, sampling)",
  ),
  numEnvs: numEnvsField(1),
  gamma: field(prob().default(0.99), "discount γ"),
  hiddenSizes: field(
    z.array(posInt()).default([64, 64]),
    "hidden layer widths of the actor and of the critic",
  ),
  activation: field(z.enum(["tanh", "relu"]).default("tanh"), "hidden activation"),
  logStdInit: field(
    z.number().default(0),
    "initial log standard deviation of the Gaussian policy (box actions)",
  ),
  normalizeObservation: field(
    z.boolean().default(false),
    "normalise observations with running statistics (saved and exported)",
  ),
  normalizeReward: field(
    z.boolean().default(false),
    "divide rewards by a running std of the discounted return",
  ),
  statsWindow: field(posInt().default(20), "recent episodes averaged in the recent return"),
  adamEps: field(pos().default(1e-5), "Adam's ε"),
  maxEpisodeSteps: field(
    posInt().nullable().default(null),
    "time limit of a training episode (null: the environment's registered limit)",
  ),
};

/** The fields every algorithm has. */
export type CommonFields = typeof commonFields;

/** Fields every algorithm has. */
export type CommonConfig = FieldsConfig<CommonFields>;

/** `N`, the number of parallel environments, with the algorithm's default. */
export function numEnvsField(numEnvs: number): Field<number> {
  return field(posInt().default(numEnvs), "parallel environments N");
}

/** The fixed-length rollout with GAE: `T` steps of each environment, λ. */
export function rolloutFields(d: { numSteps: number; gaeLambda: number }): RolloutFields {
  return {
    numSteps: field(posInt().default(d.numSteps), "steps per environment per update T"),
    gaeLambda: field(prob().default(d.gaeLambda), "GAE λ (1: n-step advantages)"),
    envWorkers: field(
      z.number().int().min(0).default(0),
      "threads stepping the N copies: this one and envWorkers − 1 Workers (0 or 1: this one)",
    ),
  };
}

/** The fields of {@link rolloutFields}. */
export type RolloutFields = {
  numSteps: Field<number>;
  gaeLambda: Field<number>;
  envWorkers: Field<number>;
};

/** The validated fields of {@link rolloutFields}. */
export type RolloutConfig = FieldsConfig<RolloutFields>;

/** The Adam step of the policy (or of actor and critic together). */
export function optimizerFields(
  d: { learningRate: number; maxGradNorm: number },
): OptimizerFields {
  return {
    learningRate: field(pos().default(d.learningRate), "learning rate of Adam"),
    maxGradNorm: field(
      nonNeg().default(d.maxGradNorm),
      "clip the global gradient norm to this (0: no clipping)",
    ),
  };
}

/** The fields of {@link optimizerFields}. */
export type OptimizerFields = { learningRate: Field<number>; maxGradNorm: Field<number> };

/** Linear decay of the learning rate, `lr = lr₀ · (1 − (k − 1)/K)` at update k of K. */
export function annealField(annealLr: boolean): Field<boolean> {
  return booleanField(annealLr, "decay the learning rate linearly to 0 over training");
}

/** Normalisation of the advantages to zero mean and unit std. */
export function normalizeAdvantagesField(normalizeAdvantages: boolean): Field<boolean> {
  return booleanField(
    normalizeAdvantages,
    "normalise advantages to zero mean, unit std (per minibatch)",
  );
}

/** What shapes the policy-gradient estimate: advantage normalisation and the entropy bonus. */
export function policyLossFields(
  d: { normalizeAdvantages: boolean; entCoef: number },
): PolicyLossFields {
  return {
    normalizeAdvantages: normalizeAdvantagesField(d.normalizeAdvantages),
    entCoef: field(nonNeg().default(d.entCoef), "entropy bonus coefficient c_ent"),
  };
}

/** The fields of {@link policyLossFields}. */
export type PolicyLossFields = { normalizeAdvantages: Field<boolean>; entCoef: Field<number> };

/** A critic trained with the policy, in one loss `… + c_vf · L^V`. */
export function valueCoefField(vfCoef: number): Field<number> {
  return field(nonNeg().default(vfCoef), "value-loss coefficient c_vf");
}

/** A critic regressed on the returns by its own Adam. */
export function criticFields(d: { vfLearningRate: number; vfIters: number }): CriticFields {
  return {
    vfLearningRate: field(pos().default(d.vfLearningRate), "learning rate of the critic's Adam"),
    vfIters: field(posInt().default(d.vfIters), "critic regression steps per update"),
  };
}

/** The fields of {@link criticFields}. */
export type CriticFields = { vfLearningRate: Field<number>; vfIters: Field<number> };

/** Several epochs of minibatch steps on each rollout (PPO and PPO-KL). */
export function epochFields(d: { updateEpochs: number; numMinibatches: number }): EpochFields {
  return {
    updateEpochs: field(posInt().default(d.updateEpochs), "epochs over the batch per update"),
    numMinibatches: field(posInt().default(d.numMinibatches), "minibatches per epoch"),
  };
}

/** The fields of {@link sharedAdamFields}. */
export type SharedAdamFields =
  & CommonFields
  & RolloutFields
  & OptimizerFields
  & PolicyLossFields
  & { annealLr: Field<boolean>; vfCoef: Field<number> };

/**
 * An actor-critic trained on rollouts by one Adam on `L = L^π + c_vf·L^V − c_ent·H` (A2C,
 * PPO-KL, PPO): the common fields, the rollout, the optimiser and the loss coefficients.
 */
export function sharedAdamFields(
  rollout: { numEnvs: number; numSteps: number; gaeLambda: number },
  optimizer: { learningRate: number; annealLr: boolean; maxGradNorm: number },
  loss: { vfCoef: number; entCoef: number; normalizeAdvantages: boolean },
): SharedAdamFields {
  return {
    ...commonFields,
    numEnvs: numEnvsField(rollout.numEnvs),
    ...rolloutFields(rollout),
    ...optimizerFields(optimizer),
    annealLr: annealField(optimizer.annealLr),
    vfCoef: valueCoefField(loss.vfCoef),
    ...policyLossFields(loss),
  };
}

/** The fields of {@link separateCriticFields}. */
export type SeparateCriticFields =
  & CommonFields
  & OptimizerFields
  & CriticFields
  & PolicyLossFields;

/**
 * A policy step by one Adam and a critic regressed by another (VPG, REINFORCE with a
 * baseline): the common fields, both optimisers and the policy-loss fields.
 */
export function separateCriticFields(
  policy: { numEnvs: number; learningRate: number; maxGradNorm: number },
  critic: { vfLearningRate: number; vfIters: number },
  loss: { entCoef: number; normalizeAdvantages: boolean },
): SeparateCriticFields {
  return {
    ...commonFields,
    numEnvs: numEnvsField(policy.numEnvs),
    ...optimizerFields(policy),
    ...criticFields(critic),
    ...policyLossFields(loss),
  };
}

/**
 * The input form of a configuration: `env` required — a registered id, an `Env` instance
 * (numEnvs 1) or a factory `() => Env` (see `env_source.ts`) — everything else optional.
 */
export type ConfigInput<C> = Partial<Omit<C, "env">> & { env: EnvSource };

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

/**
 * Validates `input` against `schema` (of algorithm `algo`) and fills in the defaults.
 * Unknown keys are errors (a typo must not be silently ignored).
 * @throws ConfigError naming each invalid field path (`algo.field`) and its value
 */
export function parseWithSchema<F extends Fields>(
  algo: string,
  schema: F,
  input: unknown,
): FieldsConfig<F> {
  const separated = separateEnvSource(input);
  const data = separated.input;
  const source = separated.source ??
    (input !== null && typeof input === "object" ? envSourceOf(input) : undefined);
  const result = validatorOf(schema).safeParse(data);
  if (result.success) {
    attachEnvSource(result.data as object, source);
    return result.data;
  }
  const issues = result.error.issues.map((issue) => {
    // An unrecognised single key is reported at its own path, with its value.
    const keys = (issue as { keys?: string[] }).keys;
    const path = [...issue.path.map(String), ...(keys?.length === 1 ? keys : [])];
    return {
      path: `${algo}.${path.join(".") || "(root)"}`,
      message: issue.message,
      value: valueAt(data, path),
    };
  });
  throw new ConfigError(algo, issues);
}

/** One hyper-parameter as `--help` lists it. */
export interface FieldInfo {
  /** The field name (the `--set` key). */
  name: string;
  /** Its type, e.g. `integer > 0`, `number | null`, `tanh | relu`. */
  type: string;
  /** Its default as JSON, or `(required)`. */
  default: string;
  /** The one-line description. */
  description: string;
}

/** The fields of `schema` with type, default and description (from its JSON Schema). */
export function describeFields(schema: ConfigSchema): FieldInfo[] {
  const zod = validatorOf(schema) as unknown as z.ZodType;
  const json = z.toJSONSchema(zod, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, JsonSchemaField>;
  };
  return Object.entries(json.properties ?? {}).map(([name, f]) => ({
    name,
    type: typeOf(f),
    default: "default" in f ? JSON.stringify(f.default) : "(required)",
    description: f.description ?? "",
  }));
}

interface JsonSchemaField {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchemaField[];
  items?: JsonSchemaField;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
}

function typeOf(f: JsonSchemaField): string {
  if (f.enum) return f.enum.map((v) => String(v)).join(" | ");
  if (f.anyOf) return f.anyOf.map(typeOf).join(" | ");
  if (f.type === "array" && f.items) return `${typeOf(f.items)}[]`;
  const lo = f.exclusiveMinimum ?? (f.minimum! > Number.MIN_SAFE_INTEGER ? f.minimum : undefined);
  const hi = f.exclusiveMaximum ?? (f.maximum! < Number.MAX_SAFE_INTEGER ? f.maximum : undefined);
  const type = f.type ?? "any";
  const open = f.exclusiveMinimum !== undefined ? "(" : "[";
  const close = f.exclusiveMaximum !== undefined ? ")" : "]";
  if (lo !== undefined && hi !== undefined) return `${type} in ${open}${lo}, ${hi}${close}`;
  if (lo !== undefined) return `${type} ${open === "(" ? ">" : "≥"} ${lo}`;
  if (hi !== undefined) return `${type} ${close === ")" ? "<" : "≤"} ${hi}`;
  return type;
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
