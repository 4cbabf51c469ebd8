/**
 * `deno task render RUN_DIR [--episodes N] [--seed S] [--stochastic] [--out FILE] [--live]`:
 * plays the run's policy and writes a replay of its episodes.
 *
 * - default: `RUN_DIR/replay.html`, one self-contained page (no network access needed to
 *   open it) with play/pause, a scrubber, and the step's action, reward and return;
 * - `--out FILE.svg`: an animated SVG of the first episode instead;
 * - `--live`: serves, on 127.0.0.1, a page where the exported `policy.onnx` acts in the
 *   browser through onnxruntime-web against the environment's own code, and prints its URL.
 *
 * Episode k uses seed S + k (default S: the run's seed + 1 000 000, as `deno task eval`);
 * the recorded returns equal `eval`'s on the same seeds, the live page's those of
 * `deno task infer RUN_DIR/policy.onnx --seed S`.
 * @module
 */
import { evaluationSeed } from "./evaluation_defaults.ts";
import { loadAgent } from "../algorithms/mod.ts";
import { EnvWorker, loadPlugins } from "../plugins/mod.ts";
import { intFlag, parseCommandLine, runMain, UsageError } from "./args.ts";
import { readRunConfig, runPaths } from "./run_folder.ts";
import { writeFileAtomic } from "../policies/atomic.ts";
import { type RecordedEpisode, recordEpisodes } from "./dashboard/record.ts";
import { animatedSvg, replayHtml } from "./dashboard/replay_page.ts";
import { liveHtml } from "./dashboard/live.ts";
import { serveOrtFile } from "./dashboard/ort_web.ts";

const HELP = `deno task render RUN_DIR [flags]

Plays the run's policy and writes a replay: an HTML page (default RUN_DIR/replay.html,
self-contained) or, with --out FILE.svg, an animated SVG.

  --episodes N     episodes (default 1)
  --seed S         seed of the first episode (default: the run's seed + 1000000, as eval)
  --stochastic     sample actions instead of taking the most probable one
  --out FILE       where to write (.html or .svg; default RUN_DIR/replay.html)
  --live           serve a page where policy.onnx acts in the browser (onnxruntime-web)
  --port P         port of --live (default 0: any free port), on 127.0.0.1
  --plugin SPEC    load another environment plugin (the run's own are reloaded)
  -h, --help       this text
`;

/** Options of {@link renderRun}. */
export interface RenderRunOptions {
  /** Episodes (default 1). */
  episodes?: number;
  /** Seed of episode 0 (default: the run's seed + 1 000 000). */
  seed?: number;
  /** Sample actions (default false). */
  stochastic?: boolean;
}

/** Records episodes of the policy saved in `dir` (its checkpoint). */
export async function renderRun(
  dir: string,
  options: RenderRunOptions = {},
): Promise<{ episodes: RecordedEpisode[]; algo: string; env: string; seed: number }> {
  const run = await readRunConfig(dir);
  const agent = await loadAgent(runPaths(dir).checkpoint);
  const seed = options.seed ?? evaluationSeed(run.seed);
  try {
    const episodes = await recordEpisodes(agent, run.env, {
      episodes: options.episodes ?? 1,
      seed,
      deterministic: !options.stochastic,
      envOptions: (run.config.envOptions as Record<string, unknown> | undefined) ?? {},
    });
    return { episodes, algo: run.algo, env: run.env, seed };
  } finally {
    await agent.close();
  }
}

/** Writes the replay of `episodes` to `out` (.svg: animated SVG of the first; else HTML). */
export async function writeReplay(
  out: string,
  episodes: RecordedEpisode[],
  title: string,
  subtitle: string,
): Promise<void> {
  const text = out.toLowerCase().endsWith(".svg")
    ? animatedSvg(episodes[0], title)
    : await replayHtml(episodes, { title, subtitle });
  await writeFileAtomic(out, text);
}

/** A one-line account of recorded episodes. */
export function describeEpisodes(episodes: RecordedEpisode[]): string {
  return episodes.map((e) => `seed ${e.seed}: return ${e.totalReturn} in ${e.length} steps`)
    .join("; ");
}

/** Serves the live page for the run in `dir` until `signal` aborts; resolves with the URL. */
export async function serveLive(
  dir: string,
  options: { episodes: number; seed: number; port: number; signal?: AbortSignal },
): Promise<{ url: string; finished: Promise<void> }> {
  const run = await readRunConfig(dir);
  const onnx = runPaths(dir).onnx;
  try {
    await Deno.stat(onnx);
  } catch {
    throw new Error(`${onnx} not found: run \`deno task export ${dir}\` first`);
  }
  const page = await liveHtml({
    envId: run.env,
    episodes: options.episodes,
    seed: options.seed,
    title: `${run.algo} on ${run.env}`,
    subtitle: `${dir}/policy.onnx · seeds ${options.seed}…${options.seed + options.episodes - 1}`,
  });
  const { promise, resolve } = Promise.withResolvers<string>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port,
    signal: options.signal,
    onListen: ({ port }) => resolve(`http://127.0.0.1:${port}/`),
  }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/") {
      return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    if (path === "/policy.onnx") {
      const file = await Deno.open(onnx, { read: true });
      return new Response(file.readable, {
        headers: { "content-type": "application/octet-stream" },
      });
    }
    if (path.startsWith("/ort/")) {
      const res = await serveOrtFile(path.slice(5));
      if (res) return res;
    }
    return new Response("not found", { status: 404 });
  });
  return { url: await promise, finished: server.finished };
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    args,
    {
      episodes: { type: "string" },
      seed: { type: "string" },
      stochastic: { type: "boolean" },
      out: { type: "string" },
      live: { type: "boolean" },
      port: { type: "string" },
      plugin: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    "render",
    true,
  );
  if (values.help) return console.log(HELP);
  if (positionals.length !== 1) {
    throw new UsageError("render", "expected one run folder (see --help)");
  }
  const dir = positionals[0].replace(/\/+$/, "");
  const episodes = intFlag(values.episodes, "--episodes", { min: 1 }) ?? 1;
  const seedFlag = intFlag(values.seed, "--seed");
  const port = intFlag(values.port, "--port", { min: 0 }) ?? 0;
  const out = values.out ?? `${dir}/replay.html`;
  if (!/\.(html?|svg)$/i.test(out)) {
    throw new UsageError("--out", `expected a .html or .svg file, got "${out}"`);
  }
  const run = await readRunConfig(dir);
  const plugins = [...run.plugins, ...(values.plugin ?? [])];
  if (plugins.length > 0) {
    const report = await loadPlugins(plugins, {});
    for (const f of report.failures) console.error(`plugin: ${f.error.message}`);
  }
  const seed = seedFlag ?? evaluationSeed(run.seed);
  if (values.live) {
    if (values.stochastic) {
      throw new UsageError("--stochastic", "the live page runs the exported (deterministic) model");
    }
    const { url, finished } = await serveLive(dir, { episodes, seed, port });
    console.log(`live policy page: ${url}  (Ctrl-C to stop)`);
    console.log(
      `same seeds through ONNX Runtime: deno task infer ${dir}/policy.onnx --episodes ` +
        `${episodes} --seed ${seed}`,
    );
    await finished;
    return;
  }
  const result = await renderRun(dir, { episodes, seed, stochastic: values.stochastic });
  const title = `${result.algo} on ${result.env}`;
  const subtitle = `${dir} · ${values.stochastic ? "stochastic" : "deterministic"} policy`;
  await writeReplay(out, result.episodes, title, subtitle);
  console.log(`${out}: ${describeEpisodes(result.episodes)}`);
  console.log(JSON.stringify({
    dir,
    out,
    env: result.env,
    algo: result.algo,
    seed,
    returns: result.episodes.map((e) => e.totalReturn),
    lengths: result.episodes.map((e) => e.length),
  }));
}

if (import.meta.main) await runMain(() => main(Deno.args), () => EnvWorker.terminateAll());
