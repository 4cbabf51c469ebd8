/**
 * The style sheet shared by the replay page, the dashboard and the live policy page (one
 * light theme, system fonts, no web fonts so pages work offline).
 * @module
 */

/** CSS of the pages (inlined into each). */
export const PAGE_CSS = `
:root {
  --bg: #f4f5f7; --card: #ffffff; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb;
  --accent: #2563eb; --accent-soft: #dbeafe; --ok: #15803d; --warn: #b45309; --bad: #b91c1c;
  color-scheme: light;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
header.top {
  display: flex; align-items: baseline; gap: 16px; padding: 14px 24px;
  background: #111827; color: #f9fafb;
}
header.top h1 { margin: 0; font-size: 18px; letter-spacing: 0.02em; }
header.top .muted { color: #9ca3af; }
main { padding: 20px 24px; display: grid; gap: 20px; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 18px; box-shadow: 0 1px 2px rgba(0,0,0,0.04);
}
.card h2 { margin: 0 0 10px; font-size: 15px; }
.muted { color: var(--muted); }
.grid2 { display: grid; grid-template-columns: minmax(0, 1.6fr) minmax(0, 1fr); gap: 20px; }
@media (max-width: 1000px) { .grid2 { grid-template-columns: 1fr; } }
table.runs { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.runs th {
  text-align: left; font-weight: 600; color: var(--muted); font-size: 12px;
  text-transform: uppercase; letter-spacing: 0.04em; padding: 6px 8px;
  border-bottom: 1px solid var(--line);
}
table.runs td { padding: 7px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
table.runs tr.run:hover td { background: #f9fafb; cursor: pointer; }
table.runs tr.selected td { background: var(--accent-soft); }
table.runs td.num { text-align: right; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 6px; }
.badge {
  display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px;
  font-weight: 600;
}
.badge.done { background: #dcfce7; color: var(--ok); }
.badge.training { background: #fef3c7; color: var(--warn); }
.badge.stopped { background: #f3f4f6; color: var(--muted); }
.chart-wrap { min-height: 320px; }
.env-title { margin: 8px 0 0; font-size: 13px; color: var(--muted); font-weight: 600; }
.tools { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
.tools label { color: var(--muted); }
pre.json {
  margin: 0; max-height: 220px; overflow: auto; background: #f9fafb; border: 1px solid var(--line);
  border-radius: 8px; padding: 10px; font-size: 12px;
}
button, select {
  font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 7px;
  padding: 4px 10px; color: var(--ink); cursor: pointer;
}
button:hover { border-color: var(--accent); }
.player { outline: none; }
.player-head h2 { margin: 0; font-size: 16px; }
.player-head p { margin: 2px 0 10px; }
.stage {
  border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: #fff;
  aspect-ratio: 3 / 1.6; display: flex; align-items: center; justify-content: center;
}
.stage svg { width: 100%; height: 100%; display: block; }
.timeline {
  position: relative; height: 44px; margin-top: 8px; border: 1px solid var(--line);
  border-radius: 6px; background: #f9fafb; cursor: pointer; overflow: hidden;
}
.timeline svg { width: 100%; height: 100%; display: block; }
.timeline-label {
  position: absolute; left: 8px; top: 3px; font-size: 11px; color: var(--muted);
  pointer-events: none;
}
.controls { display: flex; gap: 10px; align-items: center; margin-top: 10px; }
.controls .play { width: 44px; font-size: 14px; }
.controls .scrub { flex: 1; accent-color: var(--accent); }
.stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin-top: 10px; }
.stat { background: #f9fafb; border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; }
.stat-label {
  display: block; font-size: 11px; color: var(--muted); text-transform: uppercase;
  letter-spacing: 0.05em;
}
.stat-value { font-size: 16px; font-weight: 600; font-variant-numeric: tabular-nums; }
.episode-tabs { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 8px; }
.tab.active { background: var(--accent); color: #fff; border-color: var(--accent); }
.note {
  padding: 8px 12px; border-radius: 8px; background: #fef3c7; color: #78350f; margin: 0 0 10px;
}
.note.ok { background: #dcfce7; color: #14532d; }
.empty { padding: 30px; text-align: center; color: var(--muted); }
`;
