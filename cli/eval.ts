/**
 * `deno task eval DIR`: re-evaluates the policy saved in a run folder.
 *
 * Loads the run's plugins and its checkpoint, runs `--episodes` episodes (deterministic
 * unless `--stochastic`), prints each episode's return, then the mean and standard
 * deviation, and ends with one JSON line. Episodes, seeds and printing are those of
 * `infer` and of `train`'s final evaluation (`cli/evaluation_defaults.ts`). `--render` also
 * records those episodes frame by frame and writes their replay (`DIR/eval-replay.html`, or
 * `--render-out FILE.html|.svg`; see `cli/render.ts`).
 * @module
 */
import { evaluate, loadAgent } from "../algorithms/mod.ts";
import { EnvWorker } from "../plugins/mod.ts";
import { intFlag, parseCommandLine, runMain, UsageError } from "./args.ts";
import { assertCheckpointMatchesRun, readRunOrAgentConfig } from "./run_folder.ts";
import { PLUGIN_FLAGS, PLUGIN_FLAGS_HELP } from "./plugin_flags.ts";
import { loadRunPlugins } from "./plugin_trust.ts";
import { meanStd } from "../algorithms/metrics.ts";
import { recordEpisodes } from "./dashboard/record.ts";
import { writeReplay } from "./render.ts";
import {
  DEFAULT_EVAL_EPISODES,
  EVAL_SEED_OFFSET,
  evaluationSeed,
  formatEpisode,
  formatEvaluation,
} from "./evaluation_defaults.ts";

const HELP = `deno task eval DIR [flags]

  --episodes N     episodes (default ${DEFAULT_EVAL_EPISODES})
  --seed N         seed of the first episode (default: the training seed + ${EVAL_SEED_OFFSET},
                   the seeds of train's final evaluation)
  --stochastic     sample actions instead of taking the most probable one
${PLUGIN_FLAGS_HELP}
                   (the run's own plugins are reloaded, sandboxed if they were)
  --render         also write a replay of the episodes (DIR/eval-replay.html)
  --render-out F   where --render writes (.html, or .svg for an animated SVG of the first)
  -h, --help       this text
`;

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    args,
    {
      episodes: { type: "string" },
      seed: { type: "string" },
      stochastic: { type: "boolean" },
      ...PLUGIN_FLAGS,
      render: { type: "boolean" },
      "render-out": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    "eval",
    true,
  );
  if (values.help) return console.log(HELP);
  if (positionals.length !== 1) {
    throw new UsageError("eval", "expected one run folder (see --help)");
  }
  const dir = positionals[0];
  const episodes = intFlag(values.episodes, "--episodes", { min: 1 }) ?? DEFAULT_EVAL_EPISODES;
  const seedFlag = intFlag(values.seed, "--seed");
  const run = await readRunOrAgentConfig(dir);
  const seed = seedFlag ?? evaluationSeed(run.seed);
  await loadRunPlugins(run, values);
  await assertCheckpointMatchesRun(dir, run);
  const agent = await loadAgent(dir);
  const deterministic = !values.stochastic;
  const renderOut = values["render-out"] ?? `${dir.replace(/\/+$/, "")}/eval-replay.html`;
  if (values.render && !/\.(html?|svg)$/i.test(renderOut)) {
    throw new UsageError("--render-out", `expected a .html or .svg file, got "${renderOut}"`);
  }
  let result: { mean: number; std: number; returns: number[]; lengths: number[] };
  if (values.render) {
    // The recorder plays exactly as evaluate() does (same seeds, same actions).
    const recorded = await recordEpisodes(agent, run.env, {
      episodes,
      seed,
      deterministic,
      envOptions: (run.config.envOptions as Record<string, unknown> | undefined) ?? {},
    });
    const returns = recorded.map((e) => e.totalReturn);
    result = { ...meanStd(returns), returns, lengths: recorded.map((e) => e.length) };
    await writeReplay(
      renderOut,
      recorded,
      `${run.algo} on ${run.env}`,
      `${dir} · evaluation, ${deterministic ? "deterministic" : "stochastic"} policy`,
    );
    console.log(`replay of the ${episodes} episodes: ${renderOut}`);
  } else {
    result = await evaluate(agent, run.env, { episodes, deterministic, seed });
  }
  await agent.close();
  result.returns.forEach((r, i) => console.log(formatEpisode(i, seed + i, r, result.lengths[i])));
  console.log(
    `${run.algo} on ${run.env}: ` +
      formatEvaluation(result.mean, result.std, episodes, deterministic, seed),
  );
  console.log(
    JSON.stringify({
      dir,
      env: run.env,
      algo: run.algo,
      episodes,
      deterministic,
      seed,
      mean: result.mean,
      std: result.std,
      returns: result.returns,
      lengths: result.lengths,
    }),
  );
}

if (import.meta.main) await runMain(() => main(Deno.args), () => EnvWorker.terminateAll());
