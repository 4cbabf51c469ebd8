/**
 * `deno task train`: the toolkit's main job.
 *
 * With no arguments it trains PPO on CartPole-v1 with the tuned preset, shows a live
 * progress line, evaluates the final policy (deterministic, 20 episodes) and writes the run
 * folder described in `run_folder.ts`. `--help` lists every flag.
 *
 * Robustness: checkpoints are written atomically every `--checkpoint-every` steps; Ctrl-C
 * (or SIGTERM) stops after the current update and saves a checkpoint — when the update is
 * stuck waiting for an environment, the wait is cancelled after 3 s and the state at the end
 * of the last completed update is saved (the rollout in progress is dropped), exit code
 * 130 either way; a plugin environment that fails mid-training is named and the last
 * completed update saved too; a second Ctrl-C exits at once, keeping what is on disk; a
 * killed process leaves the last complete checkpoint, from which `--resume DIR` continues;
 * a NaN or infinity stops training with a message naming the loss, update and parameter
 * tensor, and what checkpoint exists.
 * @module
 */
import {
  ALGORITHM_TABLE,
  type AlgorithmName,
  ALGORITHMS,
  createAgent,
  describeFields,
  evaluate,
  loadAgent,
  NonFiniteError,
  presetNames,
  presetUsed,
  recommendedTimesteps,
  resolveConfig,
  type UpdateMetrics,
} from "../algorithms/mod.ts";
import { defaultRegistry, flatDim, make, spec, spec as envSpec } from "../envs/mod.ts";
import { assertMemoryFits, estimateTrainingMemory } from "../algorithms/memory.ts";
import { PLUGIN_FLAGS, PLUGIN_FLAGS_HELP } from "./plugin_flags.ts";
import { exportOnnx } from "../policies/onnx/mod.ts";
import { intFlag, parseCommandLine, parseSetOverrides, runMain, UsageError } from "./args.ts";
import { learningCurveSvg } from "./learning_curve.ts";
import { formatDuration, ProgressPrinter } from "./progress.ts";
import { DEFAULT_EVAL_EPISODES, evaluationSeed } from "./evaluation_defaults.ts";
import { checkHyperparameterKeys } from "./hyperparameter_keys.ts";
import {
  assertCheckpointMatchesRun,
  clearRunOutputs,
  describeCheckpoint,
  freshDir,
  isNonEmptyDir,
  readMetrics,
  readRunConfig,
  type RunConfig,
  runPaths,
  truncateMetrics,
  writeJsonAtomic,
} from "./run_folder.ts";
import { removeStrayTemps, writeFileAtomic } from "../policies/atomic.ts";
import { ProgressCsv } from "./experiments/progress_csv.ts";
import {
  attachRunEvaluation,
  evalPaths,
  readEvalLog,
  type RunEvaluation,
} from "./experiments/run_eval.ts";
import { handleInterrupts } from "./signals.ts";

/** The plugin machinery, loaded only when the run has plugins (`null`: none loaded). */
let plugins: typeof import("../plugins/mod.ts") | null = null;

/**
 * Refuses a configuration whose memory estimate (`algorithms/memory.ts`) exceeds what the
 * machine has, before anything is allocated; returns `config` otherwise. One environment
 * is made (and closed) to learn the observation and action sizes.
 */
async function checkedMemory<C extends object>(algo: string, config: C): Promise<C> {
  const c = config as unknown as Record<string, unknown>;
  const env = await make(String(c.env), {
    check: false,
    envOptions: (c.envOptions ?? {}) as Record<string, unknown>,
  });
  try {
    const obsDim = flatDim(env.observationSpace);
    const act = env.actionSpace;
    const actDim = act.type === "discrete" ? 1 : flatDim(act);
    const paramDim = act.type === "discrete" ? act.n : act.type === "box" ? 2 * actDim : actDim;
    const numEnvs = Number(c.numEnvs ?? 1);
    const rows = typeof c.numSteps === "number"
      ? c.numSteps * numEnvs
      : Number(c.episodesPerUpdate ?? 1) * (spec(String(c.env)).maxEpisodeSteps ?? 1000);
    const minibatches = typeof c.numMinibatches === "number" ? c.numMinibatches : 1;
    const sizes = {
      numEnvs,
      rows,
      minibatchRows: Math.ceil(rows / minibatches),
      obsDim,
      actDim,
      paramDim,
      hiddenSizes: (c.hiddenSizes ?? []) as number[],
      outputs: paramDim,
    };
    assertMemoryFits(algo, estimateTrainingMemory(sizes), sizes);
  } finally {
    await env.close?.();
  }
  return config;
}

/** After a first Ctrl-C, how long an update may keep waiting before its environments end. */
const INTERRUPT_GRACE_MS = 3000;
/**
 * An update (rollout and training) longer than this starts the signal watchdog, so that
 * a second Ctrl-C need not wait for the end of such updates (see cli/signals.ts).
 */
const WATCHDOG_AFTER_UPDATE_MS = 1000;

const HELP = `deno task train [flags]

Trains a policy-gradient agent and writes a run folder.

  --algo NAME            ${ALGORITHMS.join(" | ")} (default ppo);
                         with --help: every hyper-parameter of NAME
  --env ID               environment id (default CartPole-v1; see deno task envs)
  --steps N              environment steps of training (default: the preset's recommendation)
  --seed N               seed of every random stream (default 1)
  --preset NAME          hyper-parameter preset (default: the env's tuned preset;
                         "default" for the bare defaults; PPO also has "cleanrl")
  --config FILE|RUN      hyper-parameters (and optionally algo, env, steps, seed, preset,
                         plugins) from a JSON file, or everything from a run folder (or its
                         config.json): rerun it with another seed by adding --seed N
  --set KEY=VALUE        override one hyper-parameter (repeatable; VALUE is JSON or text)
  --out DIR              run folder (default runs/<algo>-<env>-s<seed>, made unique)
  --name NAME            run folder runs/NAME (instead of --out)
  --checkpoint-every N   environment steps between checkpoints (default 10% of --steps)
  --resume DIR           continue the run in DIR from its last checkpoint; with --steps N
                         beyond its length, extend it (annealed learning rates are
                         recomputed over the new length: lr0·(1 − t/N) from where it is)
  --eval-episodes N      episodes of the final evaluation (default 20), and of each
                         periodic one (default 5 with --eval-every)
  --eval-every N         evaluate every N environment steps (deterministic, own env and
                         seeds): DIR/eval.jsonl, the best policy so far in DIR/best/
  --stop-at-threshold    with --eval-every: stop once an evaluation reaches the env's
                         reward threshold
${PLUGIN_FLAGS_HELP}
                         (whether a plugin ran sandboxed is recorded in config.json and
                         reapplied by --resume, eval, export and infer)
  --no-onnx              do not export DIR/policy.onnx
  --force                reuse a non-empty --out folder, removing the previous run's files
  --quiet                no progress or status lines; prints the summary as one JSON line
  -h, --help             this text

Algorithms:
${ALGORITHMS.map((a) => `  ${a.padEnd(21)}  ${ALGORITHM_TABLE[a].summary}`).join("\n")}

Precedence, when a setting is given more than one way: flag > --set > --config > preset >
the algorithm's defaults.
`;

/**
 * The `--help` text for `--algo algo`: every hyper-parameter with its type, default and
 * description, generated from the algorithm's schema.
 */
function algorithmHelp(algo: string): string {
  if (!(ALGORITHMS as readonly string[]).includes(algo)) {
    throw new UsageError("--algo", `unknown algorithm "${algo}"; known: ${ALGORITHMS.join(", ")}`);
  }
  const row = ALGORITHM_TABLE[algo as AlgorithmName];
  const fields = describeFields(row.schema);
  const w = (key: "name" | "type" | "default") => Math.max(...fields.map((f) => f[key].length));
  const [wn, wt, wd] = [w("name"), w("type"), w("default")];
  const lines = fields.map((f) =>
    `  ${f.name.padEnd(wn)}  ${f.type.padEnd(wt)}  ${f.default.padEnd(wd)}  ${f.description}`
  );
  return `${HELP}
Hyper-parameters of ${algo}: ${row.summary}
(set with --set KEY=VALUE or --config; a preset, by default the env's tuned one, changes
some defaults: see --preset)

  ${"name".padEnd(wn)}  ${"type".padEnd(wt)}  ${"default".padEnd(wd)}  description
${lines.join("\n")}
`;
}

const OPTIONS = {
  algo: { type: "string" },
  env: { type: "string" },
  steps: { type: "string" },
  seed: { type: "string" },
  preset: { type: "string" },
  config: { type: "string" },
  set: { type: "string", multiple: true },
  out: { type: "string" },
  name: { type: "string" },
  "checkpoint-every": { type: "string" },
  resume: { type: "string" },
  "eval-episodes": { type: "string" },
  "eval-every": { type: "string" },
  "stop-at-threshold": { type: "boolean" },
  ...PLUGIN_FLAGS,
  "no-onnx": { type: "boolean" },
  force: { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Reads `--config FILE.json`: a JSON object of hyper-parameters plus run fields. */
async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError("--config", `cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError("--config", `${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new UsageError("--config", `${path} must hold a JSON object`);
  }
  return json as Record<string, unknown>;
}

function takeString(obj: Record<string, unknown>, key: string, file: string): string | undefined {
  const v = obj[key];
  delete obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new UsageError("--config", `${file}: ${key} must be a string`);
  return v;
}

function takeInt(obj: Record<string, unknown>, key: string, file: string): number | undefined {
  const v = obj[key];
  delete obj[key];
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v)) {
    throw new UsageError(
      "--config",
      `${file}: ${key} must be an integer, got ${JSON.stringify(v)}`,
    );
  }
  return v as number;
}

/**
 * Reads `--config`: a JSON file of hyper-parameters (optionally with `algo`, `env`,
 * `steps`, `seed`, `preset`, `plugins`), or a run folder / its `config.json` (format
 * `ascent-run/1`), whose run fields and complete hyper-parameters are taken as they are —
 * so rerunning a run with another seed is `--config runs/X --seed 2`.
 */
async function readConfigArgument(path: string): Promise<{
  file: Record<string, unknown>;
  fileName: string;
  checkpointEvery?: number;
}> {
  let fileName = path;
  try {
    if ((await Deno.stat(path)).isDirectory) fileName = runPaths(path).config;
  } catch { /* readConfigFile reports it */ }
  const json = await readConfigFile(fileName);
  if (json.format !== "ascent-run/1") return { file: json, fileName };
  // A run's own config.json: the run fields at the top, the hyper-parameters in `config`.
  const { format: _format, config, checkpointEvery, ...run } = json;
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new UsageError("--config", `${fileName}: config must be an object`);
  }
  const { seed: _seed, env: _env, ...hyper } = config as Record<string, unknown>;
  return {
    file: { ...hyper, ...run },
    fileName,
    checkpointEvery: typeof checkpointEvery === "number" ? checkpointEvery : undefined,
  };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** A run folder name for `--name`: one path segment. */
function checkRunName(name: string): string {
  if (name === "" || name === "." || name === ".." || /[\\/]/.test(name)) {
    throw new UsageError("--name", `must be a plain folder name (no slashes), got "${name}"`);
  }
  return name;
}

/**
 * Turns the command line into a run configuration (a new run). Where one setting can be
 * given several ways, the first of these wins: a flag (`--seed`, `--env`, …), `--set`,
 * `--config`, the preset, the algorithm's defaults.
 */
async function planNewRun(values: Record<string, unknown>): Promise<RunConfig & { out: string }> {
  const { file, fileName, checkpointEvery: fileCheckpointEvery } = values.config
    ? await readConfigArgument(values.config as string)
    : { file: {} as Record<string, unknown>, fileName: "", checkpointEvery: undefined };
  const set = parseSetOverrides(values.set as string[] | undefined);
  const fileAlgo = takeString(file, "algo", fileName);
  const fileEnv = takeString(file, "env", fileName);
  const filePreset = takeString(file, "preset", fileName);
  const fileSteps = takeInt(file, "steps", fileName);
  const fileSeed = takeInt(file, "seed", fileName);
  const setSeed = intFlag(set.seed, "--set seed");
  const setEnv = set.env === undefined ? undefined : String(set.env);
  delete set.seed;
  delete set.env;
  const filePlugins = file.plugins;
  delete file.plugins;
  if (
    filePlugins !== undefined &&
    (!Array.isArray(filePlugins) || filePlugins.some((p) => typeof p !== "string"))
  ) {
    throw new UsageError("--config", `${fileName}: plugins must be an array of strings`);
  }
  if (values.name !== undefined && values.out !== undefined) {
    throw new UsageError("--name", "cannot be combined with --out (--name N means --out runs/N)");
  }

  const algo = (values.algo as string | undefined) ?? fileAlgo ?? "ppo";
  if (!(ALGORITHMS as readonly string[]).includes(algo)) {
    throw new UsageError("--algo", `unknown algorithm "${algo}"; known: ${ALGORITHMS.join(", ")}`);
  }
  // (Skipped when nothing was given: listing the schema's keys costs start-up time.)
  if (Object.keys(file).length > 0) {
    checkHyperparameterKeys(algo as AlgorithmName, file, `--config ${fileName}`);
  }
  if (Object.keys(set).length > 0) checkHyperparameterKeys(algo as AlgorithmName, set, "--set");
  const env = (values.env as string | undefined) ?? setEnv ?? fileEnv ?? "CartPole-v1";
  const seed = intFlag(values.seed, "--seed") ?? setSeed ?? fileSeed ?? 1;
  const preset = (values.preset as string | undefined) ?? filePreset;
  if (
    preset !== undefined &&
    !["default", "none", ...presetNames(algo as AlgorithmName)].includes(preset)
  ) {
    throw new UsageError(
      "--preset",
      `unknown preset "${preset}" for ${algo}; known: default, ${
        presetNames(algo as AlgorithmName).join(", ")
      }`,
    );
  }
  const steps = intFlag(values.steps, "--steps", { min: 1 }) ?? fileSteps ??
    recommendedTimesteps(algo as AlgorithmName, env, preset);
  const plugins = [
    ...((filePlugins as string[] | undefined) ?? []),
    ...((values.plugin as string[]) ?? []),
  ];
  const overrides = { ...file, ...set, seed };
  const checkpointEvery = intFlag(values["checkpoint-every"], "--checkpoint-every", { min: 0 }) ??
    fileCheckpointEvery ?? Math.max(1, Math.round(steps / 10));
  const out = values.name !== undefined
    ? `runs/${checkRunName(values.name as string)}`
    : values.out as string | undefined;
  return {
    format: "ascent-run/1",
    algo: algo as AlgorithmName,
    env,
    steps,
    seed,
    preset,
    plugins,
    checkpointEvery,
    config: overrides,
    out: out ?? `runs/${algo}-${env.replaceAll("/", "_")}-s${seed}`,
  };
}

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, OPTIONS, "train");
  if (values.help) {
    console.log(values.algo === undefined ? HELP : algorithmHelp(values.algo as string));
    return;
  }
  const quiet = values.quiet ?? false;
  const say = (text: string) => quiet || console.log(text);
  // Every flag is checked before anything is trained or written.
  const evalEpisodes = intFlag(values["eval-episodes"], "--eval-episodes", { min: 1 }) ??
    DEFAULT_EVAL_EPISODES;
  const evalEvery = intFlag(values["eval-every"], "--eval-every", { min: 1 });
  if (values["stop-at-threshold"] && evalEvery === undefined) {
    throw new UsageError("--stop-at-threshold", "needs --eval-every N (it stops on evaluations)");
  }
  intFlag(values.steps, "--steps", { min: 1 });
  intFlag(values["checkpoint-every"], "--checkpoint-every", { min: 0 });

  // Signals, from here on. First
  // signal: stop after this update and save a checkpoint; if the update is stuck waiting
  // for an environment (a hung plugin call, Worker or sandbox process), fail every pending
  // environment call and end the environment processes after INTERRUPT_GRACE_MS, then save
  // the state at the end of the last completed update; before training has started, stop
  // at once. Second signal: exit now, even when the main thread is blocked (see signals.ts).
  let interrupted: string | null = null;
  let cutShort = false;
  let graceTimer: ReturnType<typeof setInterval> | undefined;
  let learning: { requestStop(): void } | null = null;
  const interrupts = handleInterrupts((signal) => {
    interrupted = signal;
    if (learning === null) {
      console.error(`\n${signal}: interrupted before training started; nothing was trained`);
      plugins?.EnvWorker.terminateAll();
      Deno.exit(130);
    }
    learning.requestStop();
    if (!quiet) console.error(`\n${signal}: stopping after this update and saving a checkpoint…`);
    // Repeated: environments started after the first tick (still being made) end too.
    graceTimer = setInterval(() => {
      if (!cutShort) {
        console.error(
          `${signal}: the update is still waiting after ${INTERRUPT_GRACE_MS / 1000} s; ` +
            `cancelling the environment calls and ending the environment processes`,
        );
      }
      cutShort = true;
      plugins?.interruptEnvironments(signal);
    }, INTERRUPT_GRACE_MS);
  }, (signal) => {
    console.error(`\n${signal} again: exiting now (the last checkpoint on disk is kept)`);
    plugins?.EnvWorker.terminateAll();
  });

  // 1. What to run: a new run, or the one in --resume DIR.
  let run: RunConfig;
  let dir: string;
  // A default folder is claimed (create-exclusive) only once every setting is validated.
  let claimAs: string | null = null;
  const resuming = values.resume !== undefined;
  if (resuming) {
    for (
      const flag of ["algo", "env", "preset", "config", "set", "seed", "out", "name"] as const
    ) {
      if (values[flag] !== undefined) {
        throw new UsageError(
          `--${flag}`,
          "cannot be combined with --resume (the run's config.json decides)",
        );
      }
    }
    dir = values.resume!;
    run = await readRunConfig(dir);
    const steps = intFlag(values.steps, "--steps", { min: 1 });
    if (steps !== undefined) run = { ...run, steps };
  } else {
    const plan = await planNewRun(values);
    const explicitOut = values.out !== undefined || values.name !== undefined;
    if (explicitOut && !values.force && (await isNonEmptyDir(plan.out))) {
      throw new UsageError(
        "--out",
        `${plan.out} is not empty; use --resume ${plan.out} to continue it, or --force`,
      );
    }
    if (explicitOut && values.force && (await isNonEmptyDir(plan.out))) {
      const removed = await clearRunOutputs(plan.out);
      if (removed.length > 0) say(`--force: removed ${removed.join(", ")} from ${plan.out}`);
    }
    dir = plan.out;
    if (!explicitOut) claimAs = plan.out;
    const { out: _out, ...rest } = plan;
    run = rest;
  }
  let paths = runPaths(dir);
  // Temporary files of a process killed mid-write (only in a folder this run takes over).
  if (claimAs === null) {
    const strays = [...await removeStrayTemps(dir), ...await removeStrayTemps(paths.checkpoint)];
    for (const stray of strays) say(`removed ${stray} (left by an interrupted write)`);
  }

  // 2. Plugins (before the environment is made), at the run's recorded trust level.
  if (run.plugins.length > 0 || (values.plugin ?? []).length > 0) {
    plugins = await import("../plugins/mod.ts");
    const { loadedRecord, loadRunPlugins } = await import("./plugin_trust.ts");
    const { report } = await loadRunPlugins(run, values);
    if (report.failures.length > 0 && !defaultRegistry.has(run.env)) {
      throw new Error(`plugin loading failed; cannot make ${run.env}`);
    }
    // Keep the resolved sources, so that relative paths resolve on resume from elsewhere,
    // and which of them ran sandboxed: later commands sandbox them again.
    run = { ...run, ...loadedRecord(report) };
    say(`plugins: registered ${report.ids.join(", ") || "nothing"}`);
  }
  envSpec(run.env); // unknown ids fail here, with suggestions
  const stopAt = values["stop-at-threshold"] ? envSpec(run.env).rewardThreshold : undefined;
  if (values["stop-at-threshold"] && stopAt === undefined) {
    throw new UsageError("--stop-at-threshold", `${run.env} has no reward threshold`);
  }

  // 3. The agent: fresh, or restored from the checkpoint. A plugin's environment may never
  // return while it is made, or block the main thread: from here on the watchdog must
  // listen. A built-in one cannot hang, and its updates give the main thread's listener its
  // turn; the watchdog starts only once an update holds the thread for long (below).
  if (run.plugins.length > 0) await interrupts.watch();
  if (resuming) await assertCheckpointMatchesRun(dir, run);
  const agent = resuming ? await loadAgent(paths.checkpoint) : createAgent(
    run.algo,
    await checkedMemory(run.algo, resolveConfig(run.algo, run.env, run.preset, run.config)),
  );
  if (claimAs !== null) {
    dir = await freshDir(claimAs);
    paths = runPaths(dir);
  }
  if (!resuming) {
    const preset = presetUsed(run.algo, run.env, run.preset);
    say(
      preset === "default"
        ? `preset: none (${run.algo} has no tuned preset for ${run.env}; the algorithm's defaults)`
        : `preset: ${preset}${preset === run.env ? " (tuned for this environment)" : ""}`,
    );
    await Deno.mkdir(dir, { recursive: true });
    run = { ...run, preset, config: agent.config as unknown as Record<string, unknown> };
    await writeJsonAtomic(paths.config, run);
    await writeFileAtomic(paths.metrics, "");
  } else {
    // Finished (its summary written): nothing to do. A run killed after its last checkpoint
    // but before its summary goes on to evaluate, export and summarise.
    if (agent.timesteps >= run.steps && await fileExists(paths.summary)) {
      await agent.close();
      throw new UsageError(
        "--resume",
        `${dir} is already complete (${agent.timesteps} of ${run.steps} steps); pass ` +
          `--steps N (more than ${agent.timesteps}) to extend it`,
      );
    }
    const dropped = await truncateMetrics(paths.metrics, agent.timesteps);
    if (dropped > 0) {
      console.error(
        `note: dropped the last ${dropped} line(s) of ${paths.metrics}: updates after the ` +
          `checkpoint at ${agent.timesteps} steps, which training repeats`,
      );
    }
    // An extension (--steps beyond the old length) is part of the run from now on.
    await writeJsonAtomic(paths.config, run);
  }
  say(
    `${resuming ? "resuming" : "training"} ${run.algo} on ${run.env} (seed ${run.seed}) ` +
      `${resuming ? `from ${agent.timesteps} ` : ""}to ${run.steps} steps → ${dir}`,
  );

  // What the exported policies record about the plugins (infer reapplies the sandbox).
  const policyPlugins = { plugins: run.plugins, sandboxedPlugins: run.sandboxedPlugins ?? [] };
  // Experiments: progress.csv beside metrics.jsonl; periodic evaluation (eval.jsonl, best/).
  const csv = await ProgressCsv.open(evalPaths(dir).progressCsv, await readMetrics(paths.metrics));
  const periodic: RunEvaluation | null = evalEvery === undefined ? null : await attachRunEvaluation(
    agent,
    {
      dir,
      every: evalEvery,
      episodes: values["eval-episodes"] === undefined ? 5 : evalEpisodes,
      seed: run.seed + 2_000_000,
      stopAt,
      onnx: !values["no-onnx"],
      plugins: policyPlugins,
      resuming,
    },
  );

  // 4. Train, with progress, metrics log and Ctrl-C handling.
  const progress = new ProgressPrinter(quiet);
  let metricsFile: Deno.FsFile | null = await Deno.open(paths.metrics, { append: true });
  const encoder = new TextEncoder();
  learning = agent;
  let last: UpdateMetrics | null = null;
  const t0 = performance.now();
  const steps0 = agent.timesteps;
  let updateStart = t0;
  try {
    await agent.learn({
      totalTimesteps: Math.max(0, run.steps - agent.timesteps), // the run's remaining steps
      checkpointDir: paths.checkpoint,
      checkpointEvery: run.checkpointEvery,
      callbacks: [{
        onUpdateEnd: (m) => {
          // updates that hold the main thread for long: let the watchdog hear a second signal
          const now = performance.now();
          if (!interrupts.watching && now - updateStart > WATCHDOG_AFTER_UPDATE_MS) {
            interrupts.watch();
          }
          updateStart = now;
          last = m;
          metricsFile!.writeSync(encoder.encode(JSON.stringify(m) + "\n"));
          csv.write(m as unknown as Record<string, unknown>);
          progress.update({
            timesteps: m.timesteps,
            totalTimesteps: run.steps,
            sps: m.sps,
            meanReturn: m.recentReturnMean ?? NaN,
            returnWindow: agent.config.statsWindow,
            elapsedSeconds: (performance.now() - t0) / 1000,
          });
        },
      }, ...(periodic ? [periodic.callback] : [])],
    });
  } catch (error) {
    progress.finish();
    if (error instanceof NonFiniteError) {
      throw new Error(`${error.message}\ntraining stopped; ${await describeCheckpoint(dir)}`);
    }
    // An environment failed or was cut short: the rollout in progress is dropped and the
    // state at the end of the last completed update saved (when this process completed
    // one; else the checkpoint on disk, if any, already is that state).
    const keep = async (): Promise<string> => {
      let saveError = "";
      if (last !== null) {
        try {
          const saved = await agent.saveLastUpdate(paths.checkpoint);
          if (saved !== null) {
            return `saved a checkpoint at ${saved.timesteps} steps (the end of update ` +
              `${saved.updates}, the last one completed) in ${paths.checkpoint}` +
              `\ncontinue with: deno task train --resume ${dir}`;
          }
        } catch (e) {
          saveError = ` (saving a checkpoint failed: ${(e as Error).message})`;
        }
      }
      const kept = await describeCheckpoint(dir);
      return kept + saveError +
        (kept.startsWith("the last checkpoint")
          ? `\ncontinue with: deno task train --resume ${dir}`
          : "");
    };
    if (interrupted !== null) {
      console.error(
        `${interrupted}: interrupted while waiting for the environment ` +
          `(${(error as Error).message}); the rollout in progress is dropped; ${await keep()}`,
      );
      Deno.exit(130);
    }
    if (plugins !== null && error instanceof plugins.PluginError) {
      throw new Error(`${error.message}\ntraining stopped; ${await keep()}`, { cause: error });
    }
    throw error;
  } finally {
    clearInterval(graceTimer);
    metricsFile.close();
    metricsFile = null;
    csv.close();
    await periodic?.close();
    interrupts.dispose();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  progress.finish();
  const trainedSteps = agent.timesteps - steps0;
  const sps = wallSeconds > 0 ? trainedSteps / wallSeconds : 0;

  // 5. The learning curve (also when interrupted: it shows what there is).
  const metrics = await readMetrics(paths.metrics);
  const threshold = envSpec(run.env).rewardThreshold;
  await writeFileAtomic(
    paths.curve,
    learningCurveSvg(
      metrics.map((m) => ({
        timesteps: m.timesteps,
        meanReturn: m.recentReturnMean ?? NaN,
        min: m.recentReturnMin as number | null,
        max: m.recentReturnMax as number | null,
      })),
      {
        title: `${run.algo} on ${run.env} (seed ${run.seed})`,
        threshold,
        evaluations: await readEvalLog(evalPaths(dir).evalLog),
      },
    ),
  );
  if (interrupted) {
    console.error(
      `interrupted at ${agent.timesteps} steps; checkpoint saved in ${paths.checkpoint}\n` +
        `continue with: deno task train --resume ${dir}`,
    );
    await agent.close();
    Deno.exit(130);
  }

  // 6. Evaluate the final policy, export it, write the summary.
  const evaluation = await evaluate(agent, run.env, {
    episodes: evalEpisodes,
    deterministic: true,
    seed: evaluationSeed(run.seed),
  });
  const written = [paths.config, paths.metrics, paths.checkpoint, paths.curve];
  if (!values["no-onnx"]) {
    await exportOnnx(agent.toPolicySpec(), paths.onnx, {
      deterministic: true,
      withValue: false,
      plugins: policyPlugins,
    });
    written.push(paths.onnx);
  }
  const summary = {
    algo: run.algo,
    env: run.env,
    seed: run.seed,
    timesteps: agent.timesteps,
    updates: agent.updates,
    wallSeconds,
    sps,
    evalMeanReturn: evaluation.mean,
    evalStdReturn: evaluation.std,
    evalEpisodes,
    rewardThreshold: threshold ?? null,
    solved: threshold === undefined ? null : evaluation.mean >= threshold,
    lastRecentReturnMean: (last as UpdateMetrics | null)?.recentReturnMean ?? null,
    resumed: resuming,
    ...(periodic && {
      bestEvalMeanReturn: Number.isFinite(periodic.callback.bestMean)
        ? periodic.callback.bestMean
        : null,
      evaluations: periodic.callback.records.length,
      stoppedAtThreshold: periodic.stop?.reachedAt?.timesteps ?? null,
    }),
  };
  await writeJsonAtomic(paths.summary, summary);
  written.push(paths.summary);
  await agent.close();

  say(
    `\ndone: ${agent.timesteps} steps in ${formatDuration(wallSeconds)} (${
      Math.round(sps)
    } steps/s)` +
      `\nevaluation (deterministic, ${evalEpisodes} episodes): ` +
      `${evaluation.mean.toFixed(2)} ± ${evaluation.std.toFixed(2)}` +
      (threshold === undefined
        ? ""
        : ` (threshold ${threshold}: ${summary.solved ? "solved" : "not solved"})`) +
      `\nwrote:\n${written.map((p) => `  ${p}`).join("\n")}`,
  );
  if (quiet) console.log(JSON.stringify(summary));
}

if (import.meta.main) {
  await runMain(() => main(Deno.args), () => plugins?.EnvWorker.terminateAll());
  // Everything is written and closed: exit now rather than wait for the runtime's teardown
  // (the ended Workers, the heap), which took ~0.1 s of the run's wall time.
  Deno.exit();
}
