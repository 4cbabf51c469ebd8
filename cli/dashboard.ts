/**
 * `deno task dashboard [DIR…] [--port P]`: serves, on 127.0.0.1, a page over the run and
 * sweep folders in each DIR (default `runs/`): the runs with their status and final
 * evaluation, learning curves that follow training live, overlays with a min–max band per
 * group, a run's config and summary, a replay of its latest checkpoint and its
 * `policy.onnx` acting in the browser. It only reads the folders (see
 * `cli/dashboard/server.ts` for the routes); nothing of it is loaded by training.
 * @module
 */
import { EnvWorker, loadPlugins } from "../plugins/mod.ts";
import { intFlag, parseCommandLine, runMain } from "./args.ts";
import { createDashboard } from "./dashboard/server.ts";
import { renderRun } from "./render.ts";
import { readRunConfig } from "./run_folder.ts";

const HELP = `deno task dashboard [DIR…] [--port P]

Serves a dashboard of the run and sweep folders in each DIR (default runs/) on
http://127.0.0.1:P/ (default port 8787; 0 picks a free one). Learning curves update while
runs train. Ctrl-C stops it.

  --port P       port (default 8787)
  --poll MS      milliseconds between looks at the run folders (default 500)
  -h, --help     this text
`;

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    args,
    {
      port: { type: "string" },
      poll: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    "dashboard",
    true,
  );
  if (values.help) return console.log(HELP);
  const roots = positionals.length > 0 ? positionals : ["runs"];
  const port = intFlag(values.port, "--port", { min: 0 }) ?? 8787;
  const pollMs = intFlag(values.poll, "--poll", { min: 50 }) ?? 500;
  const loaded = new Set<string>();
  const dashboard = await createDashboard(roots, {
    pollMs,
    recordEpisode: async (dir) => {
      // A run's own plugins are loaded (once each) before its policy is played.
      const fresh = (await readRunConfig(dir)).plugins.filter((p) => !loaded.has(p));
      if (fresh.length > 0) {
        for (const p of fresh) loaded.add(p);
        const report = await loadPlugins(fresh, {});
        for (const f of report.failures) console.error(`plugin: ${f.error.message}`);
      }
      return (await renderRun(dir, { episodes: 1 })).episodes;
    },
  });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: ({ port }) => {
      const n = dashboard.runs().length;
      console.log(
        `dashboard: http://127.0.0.1:${port}/  (${n} runs in ${roots.join(", ")}; Ctrl-C stops)`,
      );
    },
  }, dashboard.handler);
  Deno.addSignalListener("SIGINT", () => {
    dashboard.close();
    server.shutdown();
  });
  await server.finished;
}

if (import.meta.main) await runMain(() => main(Deno.args), () => EnvWorker.terminateAll());
