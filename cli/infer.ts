/**
 * `deno task infer FILE.onnx [--env ID] --episodes N [--seed S] [--ep cpu,cuda]`: runs an
 * exported policy through ONNX Runtime in an environment from the registry and reports the
 * return of each episode, their mean and (population) standard deviation.
 *
 * Episode i (0-based) starts with `reset({ seed: S + i })` (S defaults to the training seed
 * stored in the file plus 1 000 000, the seeds of `train`'s final evaluation and of
 * `eval`); the environment is made with the options it was trained with (stored in the
 * file, `ascent.env_options`); each step
 * feeds the observation to the model and steps the environment with `action` (an integer
 * for discrete spaces, a `Float32Array` for boxes) until `terminated` or `truncated`, so
 * a deterministic policy gives the same returns as the toolkit's own evaluation on the same
 * seeds. `--env` defaults to the environment id stored in the file. The last line of
 * stdout is one JSON object:
 * `{"file","env","episodes","seed","meanReturn","stdReturn","returns","lengths","executionProvider"}`.
 *
 * Permissions: `--allow-read` (the model; narrow it to the file) and `--allow-ffi`
 * (ONNX Runtime's native addon).
 * @module
 */
import { intFlag, parseCommandLine, runMain, UsageError } from "./args.ts";
import { type Action, flatDim, make, type Observation, playEpisode } from "../envs/mod.ts";
import { OnnxPolicy } from "../policies/onnx/runtime.ts";
import { MetadataKey, pluginsFromMetadata } from "../policies/onnx/metadata.ts";
import { readOnnxInfo } from "../policies/onnx/info.ts";
import { EnvWorker } from "../plugins/mod.ts";
import {
  PLUGIN_FLAGS,
  PLUGIN_FLAGS_HELP,
  type PluginFlagValues,
  type RunPluginRecord,
} from "./plugin_flags.ts";
import { loadRunPlugins, mergeRecords } from "./plugin_trust.ts";
import { readRunConfig } from "./run_folder.ts";
import {
  DEFAULT_EVAL_EPISODES,
  EVAL_SEED_OFFSET,
  evaluationSeed,
  formatEpisode,
  formatEvaluation,
} from "./evaluation_defaults.ts";

/** The plugin record of the run folder holding `file`, if it is in one (else none). */
async function runBeside(file: string): Promise<RunPluginRecord> {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) || "/" : ".";
  try {
    await Deno.stat(`${dir}/config.json`);
  } catch {
    return { plugins: [] };
  }
  try {
    const run = await readRunConfig(dir);
    return { plugins: run.plugins, sandboxedPlugins: run.sandboxedPlugins };
  } catch {
    return { plugins: [] }; // a config.json that is not a run's
  }
}

/**
 * Loads the plugins `file` records in its metadata (`ascent.plugins`, sandboxed again where
 * `ascent.sandboxed_plugins` says so, wherever the file is) and those of the run folder
 * holding it, then the `--plugin` ones. A recorded plugin that cannot be loaded at its
 * trust level (for example the sandbox without `--allow-run`) is an error: it is never
 * loaded at a lower one without `--no-sandbox`.
 */
async function loadPolicyPlugins(file: string, values: PluginFlagValues): Promise<void> {
  let recorded: RunPluginRecord = { plugins: [] };
  try {
    recorded = pluginsFromMetadata(readOnnxInfo(await Deno.readFile(file)).metadata);
  } catch (error) {
    if (error instanceof SyntaxError) throw new Error(`${file}: ${error.message}`);
    return; // unreadable or not ONNX: OnnxPolicy.load reports it
  }
  const record = mergeRecords(recorded, await runBeside(file));
  const { report } = await loadRunPlugins(record, values);
  const lost = report.failures.filter((f) => record.plugins.includes(f.spec));
  if (lost.length > 0) {
    throw new Error(
      `${file} was trained on an environment of plugin(s) ${
        lost.map((f) => f.spec).join(", ")
      }, which could not be loaded${
        lost.some((f) => record.sandboxedPlugins?.includes(f.spec))
          ? " in the sandbox they ran in (--no-sandbox loads them in this process)"
          : ""
      }`,
    );
  }
}

const USAGE = `usage: deno task infer FILE.onnx [--env ID] --episodes N [--seed S] [--ep cpu,cuda]
                        [--strict] [--max-steps M]

Runs an exported ONNX policy in an environment through ONNX Runtime and prints the mean and
standard deviation of the episode returns (episode i is reset with seed S + i).

  --env ID          environment id (default: the one stored in the file)
  --episodes N      number of episodes (default ${DEFAULT_EVAL_EPISODES})
  --seed S          seed of the first episode (default: the training seed stored in the
                    file + ${EVAL_SEED_OFFSET}, as eval and train's final evaluation)
${PLUGIN_FLAGS_HELP}
                    (the plugins FILE records, and those of the run folder holding it,
                    are loaded first, sandboxed if they were when trained)
  --ep LIST         execution providers in order of preference (default cpu)
  --strict          fail instead of falling back when a provider is unavailable
  --max-steps M     override the environment's time limit
Permissions: --allow-read --allow-ffi`;

/** Result of {@link evaluateOnnxPolicy}. */
export interface OnnxEvaluation {
  /** Return of each episode. */
  returns: number[];
  /** Length of each episode. */
  lengths: number[];
  /** Mean return. */
  meanReturn: number;
  /** Population standard deviation of the returns. */
  stdReturn: number;
}

/** Options of {@link evaluateOnnxPolicy}. */
export interface EvaluateOptions {
  /** Episodes to run. */
  episodes: number;
  /** Seed of episode 0; episode i uses seed + i. */
  seed?: number;
  /** Time-limit override passed to `make`. */
  maxEpisodeSteps?: number;
  /** Options for the environment's constructor (default: none). */
  envOptions?: Record<string, unknown>;
  /** Called after each episode. */
  onEpisode?: (index: number, episodeReturn: number, length: number) => void;
}

/**
 * Runs `policy` for `episodes` episodes of `envId` (see the module doc).
 * @throws Error naming the env id when the observation or action spaces do not fit.
 */
export async function evaluateOnnxPolicy(
  policy: OnnxPolicy,
  envId: string,
  options: EvaluateOptions,
): Promise<OnnxEvaluation> {
  const seed = options.seed ?? 0;
  const env = await make(envId, {
    seed,
    envOptions: options.envOptions ?? {},
    ...(options.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: options.maxEpisodeSteps } : {}),
  });
  const obsDim = flatDim(env.observationSpace);
  if (obsDim !== policy.observationDim) {
    throw new Error(
      `infer: environment "${envId}" has observations of ${obsDim} elements, the model ` +
        `expects ${policy.observationDim}`,
    );
  }
  const kind = policy.contract?.actionKind;
  const envKind = env.actionSpace.type;
  if (kind !== undefined && kind !== envKind) {
    throw new Error(
      `infer: the model's actions are ${kind} but environment "${envId}" has a ${envKind} ` +
        `action space`,
    );
  }
  const returns: number[] = [];
  const lengths: number[] = [];
  try {
    for (let i = 0; i < options.episodes; i++) {
      // A discrete observation may come as a plain number: the graph takes it as [1, 1].
      const act = async (obs: Observation): Promise<Action> => {
        const o: unknown = obs;
        const row = typeof o === "number"
          ? [o]
          : obs instanceof Float32Array
          ? obs
          : Array.from(obs);
        return (await policy.act(row)).actions[0];
      };
      const episode = await playEpisode(env, act, { seed: seed + i });
      returns.push(episode.totalReturn);
      lengths.push(episode.length);
      options.onEpisode?.(i, episode.totalReturn, episode.length);
    }
  } finally {
    await env.close?.();
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length;
  return { returns, lengths, meanReturn: mean, stdReturn: Math.sqrt(variance) };
}

/** The environment options stored in a policy file (`ascent.env_options`), if any. */
function parseEnvOptions(text: string | undefined, file: string): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value;
  } catch { /* reported below */ }
  throw new Error(`${file}: metadata "${MetadataKey.envOptions}" is not a JSON object: ${text}`);
}

/** Parses `--ep cpu,cuda` into provider names. */
export function parseProviders(value: string | undefined): string[] {
  if (value === undefined) return ["cpu"];
  const names = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0) {
    throw new UsageError("--ep", `expected a list like cpu,cuda, got "${value}"`);
  }
  return names;
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    args,
    {
      env: { type: "string" },
      episodes: { type: "string" },
      seed: { type: "string" },
      ep: { type: "string" },
      strict: { type: "boolean" },
      "max-steps": { type: "string" },
      ...PLUGIN_FLAGS,
      help: { type: "boolean", short: "h" },
    },
    "infer",
    true,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) {
    throw new UsageError("infer", `expected one FILE.onnx, got ${positionals.length}\n${USAGE}`);
  }
  const file = positionals[0];
  const episodes = intFlag(values.episodes, "--episodes", { min: 1 }) ?? DEFAULT_EVAL_EPISODES;
  const seedFlag = intFlag(values.seed, "--seed");
  const maxSteps = intFlag(values["max-steps"], "--max-steps", { min: 1 });
  await loadPolicyPlugins(file, values);
  const policy = await OnnxPolicy.load(file, {
    executionProviders: parseProviders(values.ep),
    strict: values.strict ?? false,
    onWarning: (m) => console.error(`warning: ${m}`),
  });
  try {
    const envId = values.env ?? policy.info().metadata[MetadataKey.envId];
    if (envId === undefined) {
      throw new UsageError("--env", `${file} stores no environment id; pass --env ID`);
    }
    const info = policy.info();
    const storedSeed = info.metadata[MetadataKey.seed];
    const seed = seedFlag ?? evaluationSeed(storedSeed === undefined ? 0 : Number(storedSeed));
    const envOptions = parseEnvOptions(info.metadata[MetadataKey.envOptions], file);
    console.log(
      `${file}: ${info.metadata[MetadataKey.algorithm] ?? "policy"} on ${envId}, ` +
        `ONNX Runtime ${info.onnxRuntimeVersion} (${info.executionProvider})`,
    );
    const result = await evaluateOnnxPolicy(policy, envId, {
      episodes,
      seed,
      maxEpisodeSteps: maxSteps,
      envOptions,
      onEpisode: (i, r, n) => console.log(formatEpisode(i, seed + i, r, n)),
    });
    const deterministic = policy.contract?.deterministic ?? true;
    console.log(
      `${envId}: ${
        formatEvaluation(result.meanReturn, result.stdReturn, episodes, deterministic, seed)
      }`,
    );
    console.log(JSON.stringify({
      file,
      env: envId,
      episodes,
      seed,
      meanReturn: result.meanReturn,
      stdReturn: result.stdReturn,
      returns: result.returns,
      lengths: result.lengths,
      executionProvider: info.executionProvider,
    }));
  } finally {
    await policy.close();
  }
}

if (import.meta.main) await runMain(() => main(Deno.args), () => EnvWorker.terminateAll());
