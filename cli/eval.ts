/**
 * `deno task eval DIR`: re-evaluates the policy saved in a run folder.
 *
 * Loads the run's plugins and its checkpoint, runs `--episodes` episodes (deterministic
 * unless `--stochastic`), prints the mean and standard deviation of the returns, and ends
 * with one JSON line. `--render` also records those episodes frame by frame and writes their
 * replay (`DIR/eval-replay.html`, or `--render-out FILE.html|.svg`; see `cli/render.ts`).
 * @module
 */
import { evaluate, loadAgent } from "../algorithms/mod.ts";
import { EnvWorker, loadPlugins } from "../plugins/mod.ts";
import { intFlag, parseCommandLine, runMain, UsageError } from "./args.ts";
import { readRunConfig, runPaths } from "./run_folder.ts";
import { meanStd } from "../algorithms/metrics.ts";
import { recordEpisodes } from "./dashboard/record.ts";
import { writeReplay } from "./render.ts";

const HELP = `deno task eval DIR [flags]

  --episodes N     episodes (default 20)
  --seed N         seed of the first episode (default: the one train used)
  --stochastic     sample actions instead of taking the most probable one
  --plugin SPEC    load another environment plugin (the run's own are reloaded)
  --sandbox        run plugin environments in permission-less Workers
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
      plugin: { type: "string", multiple: true },
      sandbox: { type: "boolean" },
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
  const run = await readRunConfig(dir);
  const plugins = [...run.plugins, ...(values.plugin ?? [])];
  if (plugins.length > 0) {
    const report = await loadPlugins(plugins, { sandbox: values.sandbox || undefined });
    for (const f of report.failures) console.error(`plugin: ${f.error.message}`);
  }
  const agent = await loadAgent(runPaths(dir).checkpoint);
  const episodes = intFlag(values.episodes, "--episodes", { min: 1 }) ?? 20;
  const seed = intFlag(values.seed, "--seed") ?? run.seed + 1_000_000;
  const deterministic = !values.stochastic;
  const renderOut = values["render-out"] ?? `${dir.replace(/\/+$/, "")}/eval-replay.html`;
  if (values.render && !/\.(html?|svg)$/i.test(renderOut)) {
    throw new UsageError("--render-out", `expected a .html or .svg file, got "${renderOut}"`);
  }
  let result: { mean: number; std: number };
  if (values.render) {
    // The recorder plays exactly as evaluate() does (same seeds, same actions).
    const recorded = await recordEpisodes(agent, run.env, {
      episodes,
      seed,
      deterministic,
      envOptions: (run.config.envOptions as Record<string, unknown> | undefined) ?? {},
    });
    result = meanStd(recorded.map((e) => e.totalReturn));
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
  console.log(
    `${run.algo} on ${run.env}: ${result.mean.toFixed(2)} ± ${result.std.toFixed(2)} over ` +
      `${episodes} ${deterministic ? "deterministic" : "stochastic"} episodes (seeds ${seed}…)`,
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
    }),
  );
}

if (import.meta.main) await runMain(() => main(Deno.args), () => EnvWorker.terminateAll());
