/**
 * `deno task eval DIR`: re-evaluates the policy saved in a run folder.
 *
 * Loads the run's plugins and its checkpoint, runs `--episodes` episodes (deterministic
 * unless `--stochastic`), prints each episode's return, then the mean and standard
 * deviation, and ends with one JSON line. Episodes, seeds and printing are those of
 * `infer` and of `train`'s final evaluation (`cli/evaluation_defaults.ts`).
 * @module
 */
import { evaluate, loadAgent } from "../algorithms/mod.ts";
import { EnvWorker } from "../plugins/mod.ts";
import { intFlag, parseCommandLine, runMain, UsageError } from "./args.ts";
import { assertCheckpointMatchesRun, readRunConfig, runPaths } from "./run_folder.ts";
import { loadRunPlugins, PLUGIN_FLAGS, PLUGIN_FLAGS_HELP } from "./plugin_trust.ts";
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
  const run = await readRunConfig(dir);
  const seed = seedFlag ?? evaluationSeed(run.seed);
  await loadRunPlugins(run, values);
  await assertCheckpointMatchesRun(dir, run);
  const agent = await loadAgent(runPaths(dir).checkpoint);
  const deterministic = !values.stochastic;
  const result = await evaluate(agent, run.env, { episodes, deterministic, seed });
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
