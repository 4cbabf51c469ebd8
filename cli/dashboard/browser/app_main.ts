/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The dashboard page (browser code, bundled with uPlot by the server).
 *
 * - the runs table: algorithm, env, seed, status, steps, final evaluation; a checkbox
 *   selects a run for the overlay, a click on the row shows it below;
 * - learning curves of the selected runs (any numeric metric of `metrics.jsonl`), or per
 *   algorithm × env group the IQM with its 95 % bootstrap band across seeds (`bands.ts`);
 * - the shown run: its return with the min–max of recent episodes and its evaluations
 *   (`eval.jsonl`), summary, config, a replay of its latest checkpoint and a link to the live
 *   policy page;
 * - everything updates from the server's event stream as the logs grow.
 *
 * URL parameters: `?run=<id>` (the run shown), `?metric=<key>`, `?grouped=1` (bands).
 *
 * `globalThis.__ascentDashboard` exposes what the browser tests check: the series drawn
 * (run id and point count) and the number of updates received.
 * @module
 */
import uPlot from "./uplot_dep.ts";
import { iqmBand } from "./bands.ts";
import { fmt, mountPlayer, type PlayerEpisode } from "./player.ts";
import type { RunEntry } from "../runs_index.ts";

type Line = Record<string, unknown>;

interface RunData {
  metrics: Line[];
  eval: Line[];
  config: Record<string, unknown> | null;
  summary: Record<string, unknown> | null;
}

const PALETTE = [
  "#2563eb",
  "#e07a3f",
  "#16a34a",
  "#db2777",
  "#7c3aed",
  "#0891b2",
  "#ca8a04",
  "#dc2626",
  "#4b5563",
  "#65a30d",
];

const params = new URLSearchParams(location.search);
const state = {
  runs: [] as RunEntry[],
  data: new Map<string, RunData>(),
  selected: new Set<string>(),
  known: new Set<string>(),
  focus: params.get("run"),
  metric: params.get("metric") ?? "recentReturnMean",
  grouped: params.get("grouped") === "1",
  updates: 0,
};

/** What the tests read. */
interface DashboardProbe {
  ready: boolean;
  updates: number;
  series(): { id: string; label: string; points: number }[];
  focus(): string | null;
}
let mainSeries: { id: string; label: string; points: number }[] = [];
const probe: DashboardProbe = {
  ready: false,
  get updates() {
    return state.updates;
  },
  series: () => mainSeries.map((s) => ({ ...s })),
  focus: () => state.focus,
};
(globalThis as { __ascentDashboard?: DashboardProbe }).__ascentDashboard = probe;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function colorOf(id: string): string {
  const i = state.runs.findIndex((r) => r.id === id);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

function steps(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(v);
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return await r.json() as T;
}

// ---- layout ------------------------------------------------------------------------------

const app = document.getElementById("app")!;
app.textContent = "";
const runsCard = h("section", { class: "card" });
const chartCard = h("section", { class: "card" });
const replayCard = h("section", { class: "card" });
const focusChartCard = h("section", { class: "card" });
const detailCard = h("section", { class: "card" });
app.append(
  runsCard,
  h("div", { class: "grid2" }, chartCard, replayCard),
  h("div", { class: "grid2" }, focusChartCard, detailCard),
);

const metricSelect = h("select", { id: "metric", title: "metric" });
const groupToggle = h("input", { type: "checkbox", id: "grouped" });
groupToggle.checked = state.grouped;
const chartBox = h("div", { class: "chart-wrap", id: "chart" });
chartCard.append(
  h("h2", {}, "Learning curves"),
  h(
    "div",
    { class: "tools" },
    h("label", { for: "metric" }, "metric"),
    metricSelect,
    h("label", {}, groupToggle, " IQM and 95 % bootstrap band per algorithm × env"),
  ),
  chartBox,
);
metricSelect.onchange = () => {
  state.metric = metricSelect.value;
  drawMain();
};
groupToggle.onchange = () => {
  state.grouped = groupToggle.checked;
  drawMain();
};

// ---- runs table --------------------------------------------------------------------------

function drawRuns(): void {
  const sweeps = new Set(state.runs.map((r) => r.sweep).filter((s) => s !== null));
  const training = state.runs.filter((r) => r.status === "training").length;
  document.getElementById("headline")!.textContent = `${state.runs.length} runs` +
    (sweeps.size ? ` · ${sweeps.size} sweeps` : "") + (training ? ` · ${training} training` : "");
  runsCard.textContent = "";
  const all = h("button", {}, "select all");
  const none = h("button", {}, "none");
  all.onclick = () => {
    for (const r of state.runs) state.selected.add(r.id);
    drawRuns();
    drawMain();
  };
  none.onclick = () => {
    state.selected.clear();
    drawRuns();
    drawMain();
  };
  runsCard.append(h("div", { class: "tools" }, h("h2", { style: "margin:0" }, "Runs"), all, none));
  if (state.runs.length === 0) {
    runsCard.append(
      h("div", { class: "empty" }, "No run folders yet. `deno task train` writes runs/…"),
    );
    return;
  }
  const head = h(
    "tr",
    {},
    ...["", "run", "algorithm", "env", "seed", "status", "steps", "final eval"].map((t) =>
      h("th", {}, t)
    ),
  );
  const body = h("tbody");
  for (const r of state.runs) {
    const box = h("input", { type: "checkbox" });
    box.checked = state.selected.has(r.id);
    box.onclick = (ev) => {
      ev.stopPropagation();
      if (box.checked) state.selected.add(r.id);
      else state.selected.delete(r.id);
      drawMain();
    };
    const progress = r.steps > 0 ? Math.min(1, r.timesteps / r.steps) : 1;
    const tr = h(
      "tr",
      { class: `run${r.id === state.focus ? " selected" : ""}`, "data-id": r.id },
      h("td", {}, box),
      h(
        "td",
        {},
        h("span", { class: "swatch", style: `background:${colorOf(r.id)}` }),
        r.name,
        r.sweep ? h("span", { class: "muted" }, `  ${r.sweep.split("/").at(-1)}`) : "",
      ),
      h("td", {}, r.algo),
      h("td", {}, r.env),
      h("td", { class: "num" }, String(r.seed)),
      h("td", {}, h("span", { class: `badge ${r.status}` }, r.status)),
      h(
        "td",
        { class: "num", title: `${r.timesteps} of ${r.steps}` },
        `${steps(r.timesteps)} / ${steps(r.steps)}`,
        r.status === "training" ? ` (${Math.round(progress * 100)}%)` : "",
      ),
      h(
        "td",
        { class: "num" },
        r.evalMean === null ? "—" : `${fmt(r.evalMean)} ± ${fmt(r.evalStd ?? 0)}`,
      ),
    );
    tr.onclick = () => setFocus(r.id);
    body.append(tr);
  }
  runsCard.append(h("table", { class: "runs" }, h("thead", {}, head), body));
}

// ---- charts ------------------------------------------------------------------------------

let mainPlots: uPlot[] = [];
let focusPlot: uPlot | null = null;

function numericKeys(): string[] {
  const keys = new Set<string>();
  for (const d of state.data.values()) {
    for (const line of d.metrics.slice(-3)) {
      for (const [k, v] of Object.entries(line)) {
        if (typeof v === "number" && k !== "timesteps" && k !== "update") keys.add(k);
      }
    }
  }
  keys.add("recentReturnMean");
  return [...keys].sort();
}

function drawMetricSelect(): void {
  const keys = numericKeys();
  if (metricSelect.options.length === keys.length) return;
  metricSelect.textContent = "";
  for (const k of keys) {
    const o = h("option", { value: k }, k);
    if (k === state.metric) o.selected = true;
    metricSelect.append(o);
  }
}

function curve(id: string, metric: string): [number[], (number | null)[]] {
  const lines = state.data.get(id)?.metrics ?? [];
  const x: number[] = [], y: (number | null)[] = [];
  for (const l of lines) {
    if (typeof l.timesteps !== "number") continue;
    const v = l[metric];
    x.push(l.timesteps);
    y.push(typeof v === "number" && Number.isFinite(v) ? v : null);
  }
  return [x, y];
}

function axes(yLabel: string): uPlot.Axis[] {
  const grid = { stroke: "#eef0f3", width: 1 };
  return [
    {
      label: "environment steps",
      grid,
      stroke: "#6b7280",
      values: (_u, splits) => splits.map((v) => steps(v)),
    },
    { label: yLabel, grid, stroke: "#6b7280", size: 60 },
  ];
}

function place(box: HTMLElement, plot: uPlot | null, opts: uPlot.Options, data: uPlot.AlignedData) {
  plot?.destroy();
  box.textContent = "";
  return new uPlot(opts, data, box);
}

/** One chart of the runs `ids` (all of one environment). */
function drawEnvChart(
  box: HTMLElement,
  ids: string[],
  metric: string,
  height: number,
): uPlot {
  const width = Math.max(320, box.clientWidth || chartBox.clientWidth || 640);
  const series: uPlot.Series[] = [{ label: "steps" }];
  let data: uPlot.AlignedData;
  const bands: uPlot.Band[] = [];
  if (!state.grouped) {
    const tables = ids.map((id) => curve(id, metric) as uPlot.AlignedData);
    data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    for (const id of ids) {
      const r = state.runs.find((x) => x.id === id)!;
      series.push({ label: r.name, stroke: colorOf(id), width: 2, spanGaps: true });
      mainSeries.push({
        id,
        label: r.name,
        points: curve(id, metric)[1].filter((v) => v !== null).length,
      });
    }
  } else {
    const groups = new Map<string, string[]>();
    for (const id of ids) {
      const r = state.runs.find((x) => x.id === id)!;
      const key = `${r.algo} · ${r.env}`;
      groups.set(key, [...(groups.get(key) ?? []), id]);
    }
    const tables: uPlot.AlignedData[] = [];
    let g = 0;
    for (const [key, members] of groups) {
      const band = iqmBand(
        members.map((id) => {
          const [x, y] = curve(id, metric);
          return { x, y };
        }),
      );
      tables.push([band.x, band.hi, band.mean, band.lo]);
      const color = colorOf(members[0]);
      const base = 1 + g * 3;
      series.push(
        { label: "95% CI high", stroke: color + "55", width: 1, points: { show: false } },
        {
          label: `${key.split(" · ")[0]} IQM of ${band.runs}`,
          stroke: color,
          width: 2.5,
          points: { show: false },
        },
        { label: "95% CI low", stroke: color + "55", width: 1, points: { show: false } },
      );
      bands.push({ series: [base, base + 2], fill: color + "22" });
      mainSeries.push({ id: key, label: key, points: band.x.length });
      g++;
    }
    data = tables.length === 1 ? tables[0] : uPlot.join(tables);
  }
  const plot = new uPlot(
    {
      width,
      height,
      series,
      bands,
      axes: axes(metric),
      scales: { x: { time: false } },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    },
    data,
    box,
  );
  hideEdgeLegends(plot, series);
  return plot;
}

/** The legend lists centre lines only: band edges ("min", "max") are hidden from it. */
function hideEdgeLegends(plot: uPlot, series: uPlot.Series[]): void {
  const rows = plot.root.querySelectorAll<HTMLElement>(".u-legend .u-series");
  series.forEach((s, i) => {
    if ((s.label === "min" || s.label === "max") && rows[i]) rows[i].style.display = "none";
  });
}

/** The learning curves: one chart per environment among the selected runs. */
function drawMain(): void {
  drawMetricSelect();
  const ids = state.runs.map((r) => r.id).filter((id) => state.selected.has(id));
  mainSeries = [];
  for (const p of mainPlots) p.destroy();
  mainPlots = [];
  chartBox.textContent = "";
  if (ids.length === 0) {
    chartBox.innerHTML = `<div class="empty">Select runs in the table to plot them.</div>`;
    return;
  }
  const byEnv = new Map<string, string[]>();
  for (const id of ids) {
    const env = state.runs.find((r) => r.id === id)!.env;
    byEnv.set(env, [...(byEnv.get(env) ?? []), id]);
  }
  for (const [env, members] of byEnv) {
    const box = h("div", { class: "env-chart", "data-env": env });
    if (byEnv.size > 1) box.append(h("h3", { class: "env-title" }, env));
    chartBox.append(box);
    mainPlots.push(drawEnvChart(box, members, state.metric, byEnv.size > 1 ? 250 : 340));
  }
}

function drawFocusChart(): void {
  focusChartCard.textContent = "";
  const id = state.focus;
  const r = state.runs.find((x) => x.id === id);
  const d = id ? state.data.get(id) : undefined;
  if (!r || !d) {
    focusChartCard.append(h("h2", {}, "Run"), h("div", { class: "empty" }, "Click a run."));
    return;
  }
  const box = h("div", { class: "chart-wrap" });
  focusChartCard.append(
    h("h2", {}, `${r.name}: return`),
    h(
      "p",
      { class: "muted", style: "margin:0 0 8px" },
      "mean of recent episodes, min–max band",
      d.eval.length ? ", evaluations as dots" : "",
    ),
    box,
  );
  const [x, mean] = curve(r.id, "recentReturnMean");
  const [, lo] = curve(r.id, "recentReturnMin");
  const [, hi] = curve(r.id, "recentReturnMax");
  const tables: uPlot.AlignedData[] = [[x, hi, mean, lo]];
  const series: uPlot.Series[] = [
    { label: "steps" },
    { label: "max", stroke: "#2563eb44", width: 1, points: { show: false } },
    { label: "mean", stroke: "#2563eb", width: 2, points: { show: false } },
    { label: "min", stroke: "#2563eb44", width: 1, points: { show: false } },
  ];
  if (d.eval.length) {
    const ex = d.eval.map((l) => Number(l.timesteps));
    const ey = d.eval.map((l) => (typeof l.mean === "number" ? l.mean : null));
    tables.push([ex, ey]);
    series.push({
      label: "evaluation",
      stroke: "#e07a3f",
      width: 0,
      paths: () => null,
      points: { show: true, size: 7, fill: "#e07a3f" },
    });
  }
  const width = Math.max(320, focusChartCard.clientWidth - 36 || 600);
  focusPlot = place(box, focusPlot, {
    width,
    height: 260,
    series,
    bands: [{ series: [1, 3], fill: "#2563eb1f" }],
    axes: axes("return"),
    scales: { x: { time: false } },
  }, tables.length === 1 ? tables[0] : uPlot.join(tables));
  hideEdgeLegends(focusPlot, series);
  // Policy entropy and KL of the same run, when it logs them.
  const [ex, entropy] = curve(r.id, "entropy");
  const [, kl] = curve(r.id, "approxKl");
  secondPlot?.destroy();
  secondPlot = null;
  if (entropy.some((v) => v !== null)) {
    const box2 = h("div", {});
    focusChartCard.append(h("h2", { style: "margin-top:14px" }, "entropy and KL per update"), box2);
    secondPlot = new uPlot(
      {
        width,
        height: 170,
        series: [
          { label: "steps" },
          { label: "entropy", stroke: "#16a34a", width: 1.5, points: { show: false } },
          {
            label: "approx KL",
            stroke: "#7c3aed",
            width: 1.5,
            scale: "kl",
            points: { show: false },
          },
        ],
        axes: [
          ...axes("entropy"),
          { scale: "kl", side: 1, stroke: "#7c3aed", grid: { show: false }, size: 60 },
        ],
        scales: { x: { time: false } },
      },
      [ex, entropy, kl],
      box2,
    );
  }
}
let secondPlot: uPlot | null = null;

// ---- details and replay ------------------------------------------------------------------

function tile(label: string, value: string): HTMLElement {
  return h(
    "div",
    { class: "stat" },
    h("span", { class: "stat-label" }, label),
    h("span", { class: "stat-value" }, value),
  );
}

function drawDetails(): void {
  detailCard.textContent = "";
  const r = state.runs.find((x) => x.id === state.focus);
  const d = r ? state.data.get(r.id) : undefined;
  if (!r || !d) return;
  const s = d.summary ?? {};
  const num = (k: string) => (typeof s[k] === "number" ? s[k] as number : null);
  const stats = h(
    "div",
    { class: "stats" },
    tile("final eval", r.evalMean === null ? "—" : `${fmt(r.evalMean)} ± ${fmt(r.evalStd ?? 0)}`),
    tile("steps", steps(r.timesteps)),
    tile("wall time", num("wallSeconds") === null ? "—" : `${fmt(num("wallSeconds")!)} s`),
    tile("steps / s", num("sps") === null ? "—" : steps(Math.round(num("sps")!))),
  );
  const live = r.hasOnnx
    ? h("a", { href: `/live/${r.id}/`, target: "_blank" }, "run policy.onnx live in the browser →")
    : h("span", { class: "muted" }, "no policy.onnx yet");
  detailCard.append(
    h("h2", {}, `${r.algo} on ${r.env}, seed ${r.seed}`),
    h("p", { class: "muted", style: "margin:0 0 8px" }, r.dir, " · ", live),
    stats,
    h("h2", { style: "margin-top:14px" }, "config"),
    h("pre", { class: "json" }, JSON.stringify(d.config, null, 2)),
    h("h2", { style: "margin-top:14px" }, "summary"),
    h("pre", { class: "json" }, d.summary ? JSON.stringify(d.summary, null, 2) : "(not finished)"),
  );
}

let replayToken = 0;
let shownReplay = "";
function replayKey(): string {
  const r = state.runs.find((x) => x.id === state.focus);
  return r ? `${r.id}:${r.hasCheckpoint}` : "";
}
async function drawReplay(): Promise<void> {
  shownReplay = replayKey();
  const r = state.runs.find((x) => x.id === state.focus);
  const token = ++replayToken;
  replayCard.textContent = "";
  if (!r) return;
  if (!r.hasCheckpoint) {
    replayCard.append(
      h("h2", {}, "Latest episode"),
      h("div", { class: "empty" }, "No checkpoint yet: the replay appears with the first one."),
    );
    return;
  }
  replayCard.append(
    h("h2", {}, "Latest episode"),
    h("div", { class: "empty" }, "Recording an episode…"),
  );
  try {
    const episodes = await getJson<PlayerEpisode[]>(`/api/run/${r.id}/episode`);
    if (token !== replayToken) return;
    replayCard.textContent = "";
    const root = h("div", { id: "replay" });
    replayCard.append(root);
    const e = episodes[0];
    mountPlayer(root, episodes, {
      title: "Latest episode",
      subtitle: `latest checkpoint · seed ${e.seed} · return ${fmt(e.returns.at(-1) ?? 0)}`,
    });
  } catch (error) {
    if (token !== replayToken) return;
    replayCard.textContent = "";
    replayCard.append(
      h("h2", {}, "Latest episode"),
      h("div", { class: "empty" }, (error as Error).message),
    );
  }
}

async function load(id: string): Promise<void> {
  const d = await getJson<RunData>(`/api/run/${id}`);
  const old = state.data.get(id);
  if (old && (old.metrics.length > 0 || old.eval.length > 0)) {
    // Lines that arrived by event before this answer are kept (deduplicated by steps).
    const last = d.metrics.at(-1)?.timesteps as number ?? -1;
    d.metrics.push(...old.metrics.filter((l) => (l.timesteps as number) > last));
    const lastEval = d.eval.at(-1)?.timesteps as number ?? -1;
    d.eval.push(...old.eval.filter((l) => (l.timesteps as number) > lastEval));
  }
  state.data.set(id, d);
}

function setFocus(id: string): void {
  state.focus = id;
  drawRuns();
  drawFocusChart();
  drawDetails();
  drawReplay();
}

async function applyRuns(runs: RunEntry[]): Promise<void> {
  state.runs = runs;
  const fresh = runs.filter((r) => !state.known.has(r.id));
  for (const r of fresh) {
    state.known.add(r.id);
    state.selected.add(r.id);
    // Lines arriving by event while the history loads land here and are merged by load().
    state.data.set(r.id, { metrics: [], eval: [], config: null, summary: null });
  }
  await Promise.all(fresh.map((r) => load(r.id)));
  for (const r of runs) {
    if (!fresh.includes(r) && r.status === "done") {
      const d = state.data.get(r.id);
      if (d && d.summary === null) await load(r.id); // just finished: its summary appeared
    }
  }
  if (state.focus === null || !runs.some((r) => r.id === state.focus)) {
    const newest = [...runs].sort((a, b) => b.updated.localeCompare(a.updated))[0];
    state.focus = runs.find((r) => r.status === "training")?.id ?? newest?.id ?? null;
  }
  // The replay is (re)drawn when the shown run changes or writes its first checkpoint.
  if (replayKey() !== shownReplay) drawReplay();
  drawRuns();
  drawMain();
  drawFocusChart();
  drawDetails();
}

function appendLines(kind: "metrics" | "eval", msg: { id: string; lines: Line[]; reset: boolean }) {
  const d = state.data.get(msg.id);
  if (!d) return;
  if (msg.reset) d[kind] = [];
  const last = (d[kind].at(-1)?.timesteps as number) ?? -1;
  d[kind].push(...msg.lines.filter((l) => (l.timesteps as number) > last));
  state.updates++;
  const r = state.runs.find((x) => x.id === msg.id);
  if (r && kind === "metrics" && typeof msg.lines.at(-1)?.timesteps === "number") {
    r.timesteps = Math.max(r.timesteps, msg.lines.at(-1)!.timesteps as number);
  }
  if (state.selected.has(msg.id)) drawMain();
  if (msg.id === state.focus) drawFocusChart();
}

function start(): void {
  const dot = document.getElementById("live-dot")!;
  const events = new EventSource("/api/events");
  let first = true;
  events.addEventListener("runs", async (ev) => {
    await applyRuns(JSON.parse((ev as MessageEvent).data));
    if (first) {
      first = false;
      probe.ready = true;
      document.body.dataset.ready = "true";
    }
  });
  events.addEventListener(
    "metrics",
    (ev) => appendLines("metrics", JSON.parse((ev as MessageEvent).data)),
  );
  events.addEventListener(
    "eval",
    (ev) => appendLines("eval", JSON.parse((ev as MessageEvent).data)),
  );
  events.onopen = () => dot.textContent = "● live";
  events.onerror = () => dot.textContent = "○ reconnecting…";
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      drawMain();
      drawFocusChart();
    }, 150);
  });
}

start();
