/**
 * The dashboard's HTTP handler (served on 127.0.0.1 by `cli/dashboard.ts`).
 *
 * | route                      | answer                                                         |
 * | -------------------------- | -------------------------------------------------------------- |
 * | `/`                        | the page (styles inline, `app.js` and `app.css` beside it)     |
 * | `/app.js`, `/app.css`      | the bundled page code (with uPlot) and uPlot's style sheet     |
 * | `/api/runs`                | every run: algorithm, env, seed, status, steps, final eval     |
 * | `/api/run/<id>`            | config, summary, `metrics.jsonl` and `eval.jsonl` lines        |
 * | `/api/run/<id>/episode`    | one recorded episode of the run's latest checkpoint (frames)   |
 * | `/api/events`              | server-sent events: `runs`, `metrics` and `eval` as logs grow  |
 * | `/live/<id>/`              | the run's `policy.onnx` acting in the browser                  |
 * | `/ort/<file>`              | onnxruntime-web's modules and `.wasm` (for the live page)      |
 *
 * One watcher polls the runs every `pollMs` (default 500 ms): it rescans the folders (new
 * runs, status changes) and reads what each `metrics.jsonl`/`eval.jsonl` gained since the
 * last poll ({@link LogTail}), then sends it to every connected page. It only reads.
 * @module
 */
import { evaluationSeed } from "../evaluation_defaults.ts";
import { bundleBrowser } from "./bundle.ts";
import { PAGE_CSS } from "./browser/styles.ts";
import { LogTail, type RunEntry, scanRuns } from "./runs_index.ts";
import { readMetrics, runPaths } from "../run_folder.ts";
import { episodesToJson } from "./record.ts";
import { liveHtml } from "./live.ts";
import { serveOrtFile } from "./ort_web.ts";
import { uplotCss } from "./uplot.ts";

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /** Milliseconds between polls of the run folders (default 500). */
  pollMs?: number;
  /** Records an episode of a run (default: none, the route answers 404). */
  recordEpisode?: (dir: string) => Promise<unknown[]>;
}

/** A dashboard: its request handler and its watcher. */
export interface Dashboard {
  /** Answers one request. */
  handler(req: Request): Promise<Response>;
  /** Stops the watcher and closes every event stream. */
  close(): void;
  /** The runs as last scanned. */
  runs(): RunEntry[];
}

const encoder = new TextEncoder();

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

function pageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ascent dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<style>${PAGE_CSS}</style></head>
<body>
<header class="top"><h1>Ascent</h1><span class="muted" id="headline">dashboard</span>
<span class="muted" id="live-dot" style="margin-left:auto"></span></header>
<main id="app"><div class="empty">Loading…</div></main>
<script type="module" src="/app.js"></script>
</body></html>
`;
}

/** Builds the dashboard over the run and sweep folders in `roots`. */
export async function createDashboard(
  roots: string[],
  options: DashboardOptions = {},
): Promise<Dashboard> {
  const pollMs = options.pollMs ?? 500;
  let runs = await scanRuns(roots);
  const tails = new Map<string, { metrics: LogTail; eval: LogTail }>();
  const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const episodeCache = new Map<string, { stamp: number; body: Promise<string> }>();

  const send = (event: string, data: unknown) => {
    const chunk = encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    for (const c of clients) {
      try {
        c.enqueue(chunk);
      } catch {
        clients.delete(c);
      }
    }
  };

  const tailOf = (r: RunEntry) => {
    let t = tails.get(r.id);
    if (!t) {
      t = {
        metrics: new LogTail(runPaths(r.dir).metrics),
        eval: new LogTail(`${r.dir}/eval.jsonl`),
      };
      tails.set(r.id, t);
    }
    return t;
  };
  // Start every tail at the current end: pages fetch the history, events carry what follows.
  for (const r of runs) {
    const t = tailOf(r);
    await t.metrics.read();
    await t.eval.read();
  }

  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      const next = await scanRuns(roots);
      const key = (list: RunEntry[]) =>
        JSON.stringify(
          list.map((r) => [r.id, r.status, r.timesteps, r.evalMean, r.hasOnnx, r.hasCheckpoint]),
        );
      const changed = key(next) !== key(runs);
      runs = next;
      for (const r of runs) {
        const t = tailOf(r);
        for (const kind of ["metrics", "eval"] as const) {
          const { lines, reset } = await t[kind].read();
          if (lines.length > 0 || reset) send(kind, { id: r.id, lines, reset });
        }
      }
      if (changed) send("runs", runs);
    } catch (error) {
      console.error(`dashboard: ${(error as Error).message}`);
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(poll, pollMs);
  const heartbeat = setInterval(() => {
    for (const c of clients) {
      try {
        c.enqueue(encoder.encode(": keep-alive\n\n"));
      } catch {
        clients.delete(c);
      }
    }
  }, 15_000);

  const find = (id: string) => runs.find((r) => r.id === id);

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return json({ error: "read only" }, 405);
    if (path === "/") {
      return new Response(pageHtml(), { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    if (path === "/app.js") {
      const { js } = await bundleBrowser("app_main.ts");
      return new Response(js, { headers: { "content-type": "text/javascript; charset=utf-8" } });
    }
    if (path === "/app.css") {
      return new Response(await uplotCss(), { headers: { "content-type": "text/css" } });
    }
    if (path === "/api/runs") return json(runs);
    if (path === "/api/events") {
      let me: ReadableStreamDefaultController<Uint8Array>;
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          me = c;
          clients.add(c);
          c.enqueue(encoder.encode(`retry: 1000\nevent: runs\ndata: ${JSON.stringify(runs)}\n\n`));
        },
        cancel() {
          clients.delete(me);
        },
      });
      return new Response(stream, {
        headers: {
          "content-type": "text/event-stream",
          "cache-control": "no-store",
          "connection": "keep-alive",
        },
      });
    }
    const m = path.match(/^\/api\/run\/([^/]+)(\/episode)?$/);
    if (m) {
      const run = find(m[1]);
      if (!run) return json({ error: `no run with id ${m[1]}` }, 404);
      if (m[2]) {
        if (!options.recordEpisode) return json({ error: "episodes are not recorded here" }, 404);
        let stamp: number;
        try {
          const stat = await Deno.stat(`${runPaths(run.dir).checkpoint}/checkpoint.safetensors`);
          stamp = stat.mtime?.getTime() ?? 0;
        } catch {
          return json({ error: `${run.dir} has no checkpoint yet` }, 404);
        }
        let hit = episodeCache.get(run.id);
        if (!hit || hit.stamp !== stamp) {
          const body = options.recordEpisode(run.dir).then((eps) =>
            episodesToJson(eps as Parameters<typeof episodesToJson>[0])
          );
          hit = { stamp, body };
          episodeCache.set(run.id, hit);
          body.catch(() => episodeCache.delete(run.id));
        }
        try {
          return new Response(await hit.body, {
            headers: { "content-type": "application/json; charset=utf-8" },
          });
        } catch (error) {
          return json({ error: (error as Error).message }, 500);
        }
      }
      const paths = runPaths(run.dir);
      const read = async (p: string) => {
        try {
          return JSON.parse(await Deno.readTextFile(p));
        } catch {
          return null;
        }
      };
      return json({
        run,
        config: await read(paths.config),
        summary: await read(paths.summary),
        metrics: await readMetrics(paths.metrics),
        eval: await readMetrics(`${run.dir}/eval.jsonl`),
      });
    }
    const live = path.match(/^\/live\/([^/]+)\/(policy\.onnx)?$/);
    if (live) {
      const run = find(live[1]);
      if (!run) return json({ error: `no run with id ${live[1]}` }, 404);
      if (live[2]) {
        try {
          const file = await Deno.open(runPaths(run.dir).onnx, { read: true });
          return new Response(file.readable, {
            headers: { "content-type": "application/octet-stream" },
          });
        } catch {
          return json({ error: `${run.dir}/policy.onnx not found` }, 404);
        }
      }
      const episodes = Math.min(
        Math.max(Number(url.searchParams.get("episodes") ?? 3) || 3, 1),
        100,
      );
      const seed = Number(url.searchParams.get("seed") ?? evaluationSeed(run.seed));
      return new Response(
        await liveHtml({
          envId: run.env,
          episodes,
          seed: Number.isInteger(seed) ? seed : evaluationSeed(run.seed),
          title: `${run.algo} on ${run.env}`,
          subtitle: `${run.dir}/policy.onnx`,
        }),
        { headers: { "content-type": "text/html; charset=utf-8" } },
      );
    }
    if (path.startsWith("/ort/")) {
      const res = await serveOrtFile(path.slice(5));
      if (res) return res;
    }
    return json({ error: `not found: ${path}` }, 404);
  };

  return {
    handler,
    runs: () => runs,
    close() {
      clearInterval(timer);
      clearInterval(heartbeat);
      for (const c of clients) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      clients.clear();
    },
  };
}
