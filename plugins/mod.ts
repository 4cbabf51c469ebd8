/**
 * Third-party environment plugins: the manifest contract, the loader, the sandbox
 * (permission-less Workers) and the Worker-based asynchronous vector environment.
 * See `plugins/README.md` for the contract and the Deno flags sandboxing needs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { definePlugin, validateManifest } from "./mod.ts";
 * const plugin = definePlugin({ name: "demo", version: "0.1.0", envs: [] });
 * assert.equal(validateManifest(plugin, "inline").name, "demo");
 * ```
 * @module
 */
export { describeThrown, MANIFEST_ENV_ID, PluginError, type PluginErrorParts } from "./errors.ts";
export {
  definePlugin,
  PLUGIN_ENV_ID_PATTERN,
  PLUGIN_NAME_PATTERN,
  type PluginEnvDefinition,
  PluginEnvSchema,
  type PluginManifest,
  PluginManifestSchema,
  SEMVER_PATTERN,
  validateManifest,
} from "./manifest.ts";
export {
  dataUrlOf,
  isRemote,
  type PluginSource,
  type PluginSpec,
  readPluginSource,
  type ReadSourceOptions,
  resolvePluginUrl,
} from "./source.ts";
export {
  checkedSpaces,
  GuardedEnv,
  type PluginEnvContext,
  ResultChecker,
  YOUNG_CALLS,
} from "./guarded_env.ts";
export { type Problem, resultProblem } from "./validate.ts";
export { interruptEnvironments, interruptible } from "./interrupt.ts";
export {
  type LoadedPlugin,
  loadPlugin,
  loadPluginInfo,
  type LoadPluginOptions,
  loadPlugins,
  type PluginEnvRecord,
  pluginEnvRecord,
  type PluginFailure,
  type PluginLoadReport,
  SANDBOX_TIMEOUT_MS,
} from "./loader.ts";
export {
  EnvWorker,
  NO_PROMPT_ADVICE,
  permissionPromptPossible,
  SANDBOX_FLAG_ADVICE,
  type SandboxSupport,
  sandboxSupport,
} from "./sandbox/channel.ts";
export { SandboxedEnv, type WorkerEnvOptions } from "./sandbox/proxy_env.ts";
export {
  type Request as WorkerRequest,
  type RequestBody as WorkerRequestBody,
} from "./sandbox/protocol.ts";
export { WorkerVectorEnv, type WorkerVectorEnvOptions } from "./worker_vector.ts";
