/**
 * The metadata an exported policy carries in `ModelProto.metadata_props`, and its
 * input/output contract.
 *
 * Keys (all values are strings; JSON where noted):
 *
 * | key                          | value                                                   |
 * | ---------------------------- | ------------------------------------------------------- |
 * | `ascent.version`             | toolkit version that wrote the file                     |
 * | `ascent.algorithm`           | training algorithm, e.g. `ppo`                          |
 * | `ascent.env_id`              | environment id the policy was trained on                |
 * | `ascent.observation_space`   | JSON of the observation space (infinities as strings)   |
 * | `ascent.action_space`        | JSON of the action space                                |
 * | `ascent.training_timesteps`  | environment steps of training                           |
 * | `ascent.seed`                | training seed (optional)                                |
 * | `ascent.env_options`         | JSON of the options the env was made with (optional)    |
 * | `ascent.simulator`           | simulator and release, e.g. `mujoco 3.12.0` (optional)  |
 * | `ascent.plugins`             | JSON array of the env's plugin sources (optional)       |
 * | `ascent.sandboxed_plugins`   | JSON array: those of them that ran sandboxed (optional) |
 * | `ascent.contract`            | JSON {@link PolicyContract}: inputs, outputs, options   |
 *
 * The contract names every graph input and output with its element type and shape, where
 * the first dimension of each is the symbolic `"batch"`. A consumer needs nothing else to
 * use the file.
 * @module
 */
import { parseSpace, type Space } from "../../envs/spaces.ts";

/** Metadata keys written by {@link buildPolicyModel}. */
export const MetadataKey = {
  version: "ascent.version",
  algorithm: "ascent.algorithm",
  envId: "ascent.env_id",
  observationSpace: "ascent.observation_space",
  actionSpace: "ascent.action_space",
  timesteps: "ascent.training_timesteps",
  seed: "ascent.seed",
  envOptions: "ascent.env_options",
  simulator: "ascent.simulator",
  plugins: "ascent.plugins",
  sandboxedPlugins: "ascent.sandboxed_plugins",
  contract: "ascent.contract",
} as const;

/**
 * The plugins a policy's environment came from and their trust level: the commands that
 * load them for the policy (`infer`) load the sandboxed ones sandboxed again, wherever the
 * file is (see `cli/plugin_trust.ts`).
 */
export interface PolicyPlugins {
  /** Plugin sources (paths or URLs, as loaded), in load order. */
  plugins: string[];
  /** The sources of `plugins` that ran in the sandbox. */
  sandboxedPlugins: string[];
}

function stringArray(text: string, key: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`ONNX metadata "${key}" is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new SyntaxError(
      `ONNX metadata "${key}" must be a JSON array of strings, got ${text.slice(0, 200)}`,
    );
  }
  return value;
}

/**
 * The metadata entries recording `record` (none when it has no plugins).
 * @throws RangeError when a sandboxed plugin is not among the plugins.
 */
export function pluginsToMetadata(record: PolicyPlugins): Record<string, string> {
  const stray = record.sandboxedPlugins.find((p) => !record.plugins.includes(p));
  if (stray !== undefined) {
    throw new RangeError(`exportOnnx: sandboxed plugin "${stray}" is not among the plugins`);
  }
  if (record.plugins.length === 0) return {};
  return {
    [MetadataKey.plugins]: JSON.stringify(record.plugins),
    [MetadataKey.sandboxedPlugins]: JSON.stringify(record.sandboxedPlugins),
  };
}

/**
 * The plugins recorded in `metadata` (none for a file without them).
 * @throws SyntaxError naming the key when an entry is malformed, or when a sandboxed
 * plugin is recorded without the plugin list (a trust level must never be lost silently).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pluginsFromMetadata, pluginsToMetadata } from "./metadata.ts";
 * const record = { plugins: ["file:///a.ts", "https://x.org/b.js"], sandboxedPlugins: ["https://x.org/b.js"] };
 * assert.deepEqual(pluginsFromMetadata(pluginsToMetadata(record)), record);
 * assert.deepEqual(pluginsFromMetadata({}), { plugins: [], sandboxedPlugins: [] });
 * assert.throws(
 *   () => pluginsFromMetadata({ "ascent.sandboxed_plugins": '["https://x.org/b.js"]' }),
 *   /names "https:\/\/x\.org\/b\.js", which "ascent\.plugins" does not list/,
 * );
 * assert.throws(() => pluginsFromMetadata({ "ascent.plugins": "[1]" }), /array of strings/);
 * ```
 */
export function pluginsFromMetadata(metadata: Record<string, string>): PolicyPlugins {
  const plugins = metadata[MetadataKey.plugins];
  const sandboxed = metadata[MetadataKey.sandboxedPlugins];
  const record = {
    plugins: plugins === undefined ? [] : stringArray(plugins, MetadataKey.plugins),
    sandboxedPlugins: sandboxed === undefined
      ? []
      : stringArray(sandboxed, MetadataKey.sandboxedPlugins),
  };
  const stray = record.sandboxedPlugins.find((p) => !record.plugins.includes(p));
  if (stray !== undefined) {
    throw new SyntaxError(
      `ONNX metadata "${MetadataKey.sandboxedPlugins}" names "${stray}", which ` +
        `"${MetadataKey.plugins}" does not list`,
    );
  }
  return record;
}

/** The contract format tag. */
export const CONTRACT_FORMAT = "ascent-policy/1";

/** One named tensor of the contract. */
export interface TensorContract {
  /** Graph value name. */
  name: string;
  /** Element type. */
  dtype: "float32" | "int64";
  /** Shape; `"batch"` marks the dynamic batch dimension. */
  shape: (number | string)[];
  /** What the tensor holds. */
  description: string;
}

/** The input/output contract of an exported policy. */
export interface PolicyContract {
  /** Format tag, {@link CONTRACT_FORMAT}. */
  format: string;
  /**
   * The action space's type: `discrete` (`action` int64 [batch]), `box` (float32
   * [batch, d]), `multi-discrete` or `multi-binary` (int64 [batch, k]).
   */
  actionKind: "discrete" | "box" | "multi-discrete" | "multi-binary";
  /** True when `action` is the greedy action (argmax or mean); false when it is sampled. */
  deterministic: boolean;
  /** True when box actions are clipped to the action space's bounds. */
  clipActions: boolean;
  /** True when observation normalisation is baked into the graph. */
  normalization: boolean;
  /** Graph inputs. */
  inputs: TensorContract[];
  /** Graph outputs. */
  outputs: TensorContract[];
}

/** JSON of a space with infinities written as strings (JSON has no Infinity). */
export function spaceToJson(space: Space): string {
  return JSON.stringify(
    space,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
  );
}

/**
 * Parses the space stored under `key` in `metadata`.
 * @throws SyntaxError naming the key when it is missing or not JSON; the space parser's
 * error (naming the field path) when the space is invalid.
 */
export function spaceFromMetadata(metadata: Record<string, string>, key: string): Space {
  const text = metadata[key];
  if (text === undefined) throw new SyntaxError(`ONNX metadata has no "${key}"`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`ONNX metadata "${key}" is not JSON: ${(e as Error).message}`);
  }
  return parseSpace(value, `metadata "${key}"`);
}

/**
 * Parses the contract stored in `metadata`, or returns `null` when the file has none
 * (a model not written by this toolkit).
 * @throws SyntaxError when the contract is present but malformed.
 */
export function contractFromMetadata(metadata: Record<string, string>): PolicyContract | null {
  const text = metadata[MetadataKey.contract];
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(
      `ONNX metadata "${MetadataKey.contract}" is not JSON: ${(e as Error).message}`,
    );
  }
  const c = value as Partial<PolicyContract>;
  if (
    typeof c !== "object" || c === null || !Array.isArray(c.inputs) ||
    !Array.isArray(c.outputs) ||
    !["discrete", "box", "multi-discrete", "multi-binary"].includes(c.actionKind as string)
  ) {
    throw new SyntaxError(
      `ONNX metadata "${MetadataKey.contract}" lacks inputs, outputs or actionKind: ${
        text.slice(0, 200)
      }`,
    );
  }
  return c as PolicyContract;
}
