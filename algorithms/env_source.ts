/**
 * Where an agent's training environments come from: a registered id (the usual case, and
 * the only one a checkpoint can name), or — as Stable-Baselines3 users pass wrapped
 * environments — an `Env` instance (one copy: `numEnvs` 1) or a factory `() => Env` that
 * is called once per copy.
 *
 * A configuration is plain, validated data; an instance or factory is not, so
 * {@link separateEnvSource} takes it out of the input before validation (leaving the label
 * {@link CUSTOM_ENV_ID} in `config.env`) and {@link envSourceOf} finds it again from the
 * validated configuration. An agent trained on a custom environment saves its checkpoint as
 * usual; to resume it, pass the environment again (`loadAgent(dir)` then train with a new
 * agent is not possible without it: the id cannot be made).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CUSTOM_ENV_ID, separateEnvSource } from "./env_source.ts";
 * const factory = () => { throw new Error("not called here"); };
 * const { input, source } = separateEnvSource({ env: factory, numEnvs: 2 });
 * assert.equal((input as { env: string }).env, CUSTOM_ENV_ID);
 * assert.equal(source, factory);
 * ```
 * @module
 */
import type { Env, MaybePromise } from "../envs/types.ts";

/** A factory of environment copies. */
export type EnvFactory = () => MaybePromise<Env>;

/** What `config.env` may be when an agent is built: an id, an `Env`, or a factory. */
export type EnvSource = string | Env | EnvFactory;

/** The id recorded in the configuration of an agent trained on an instance or factory. */
export const CUSTOM_ENV_ID = "custom-env";

const sources = new WeakMap<object, Env | EnvFactory>();

function isEnvLike(value: unknown): value is Env {
  const v = value as Partial<Env> | null;
  return typeof v === "object" && v !== null && typeof v.reset === "function" &&
    typeof v.step === "function";
}

/** Splits an instance or factory out of `input.env` (other inputs are returned as they are). */
export function separateEnvSource(
  input: unknown,
): { input: unknown; source?: Env | EnvFactory } {
  if (input === null || typeof input !== "object") return { input };
  const env = (input as { env?: unknown }).env;
  if (typeof env === "function") {
    return { input: { ...input, env: CUSTOM_ENV_ID }, source: env as EnvFactory };
  }
  if (isEnvLike(env)) return { input: { ...input, env: CUSTOM_ENV_ID }, source: env };
  return { input };
}

/** Remembers `source` as the environment source of the validated `config`. */
export function attachEnvSource(config: object, source: Env | EnvFactory | undefined): void {
  if (source !== undefined) sources.set(config, source);
}

/** The instance or factory `config` was built with, if any. */
export function envSourceOf(config: object): Env | EnvFactory | undefined {
  return sources.get(config);
}
