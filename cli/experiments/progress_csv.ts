/**
 * `progress.csv` beside `metrics.jsonl`: the same scalars, one row per update under a
 * header row, for spreadsheets and `pandas.read_csv`. Columns are the first line's keys in
 * order, with `extra` flattened to `extra.<key>`; `null` is an empty cell. Fields are
 * quoted per RFC 4180 when they hold a comma, a quote or a line break.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsToCsv } from "./progress_csv.ts";
 * const csv = metricsToCsv([{ update: 1, valueLoss: null, extra: { beta: 0.5 } }]);
 * assert.equal(csv, "update,valueLoss,extra.beta\n1,,0.5\n");
 * ```
 * @module
 */
import { writeFileAtomic } from "../../policies/atomic.ts";

/** A metrics line: scalars, `null`, strings, and one level of nested `extra`. */
export type MetricsRow = Record<string, unknown>;

function flatten(row: MetricsRow): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(row)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) {
        out.set(`${k}.${k2}`, v2);
      }
    } else out.set(k, v);
  }
  return out;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV header for `row`. */
export function csvColumns(row: MetricsRow): string[] {
  return [...flatten(row).keys()];
}

/** One CSV line (with its newline) of `row` under `columns`. */
export function csvLine(columns: readonly string[], row: MetricsRow): string {
  const f = flatten(row);
  return columns.map((c) => cell(f.get(c))).join(",") + "\n";
}

/** The whole CSV text of `rows` (empty text for no rows). */
export function metricsToCsv(rows: readonly MetricsRow[]): string {
  if (rows.length === 0) return "";
  const columns = csvColumns(rows[0]);
  return columns.map(cell).join(",") + "\n" + rows.map((r) => csvLine(columns, r)).join("");
}

/** Appends rows to `progress.csv` as training goes. */
export class ProgressCsv {
  #columns: string[] | null;
  #file: Deno.FsFile;
  readonly #encoder = new TextEncoder();

  private constructor(file: Deno.FsFile, columns: string[] | null) {
    this.#file = file;
    this.#columns = columns;
  }

  /**
   * Opens `path` for a run: a new run starts it empty; a resumed one rewrites it from the
   * (already truncated) `metrics.jsonl` rows, then appends.
   */
  static async open(path: string, existing: readonly MetricsRow[] = []): Promise<ProgressCsv> {
    await writeFileAtomic(path, metricsToCsv(existing));
    const file = await Deno.open(path, { append: true });
    return new ProgressCsv(file, existing.length ? csvColumns(existing[0]) : null);
  }

  /** Appends one update's row (the header first, on the first row). */
  write(row: MetricsRow): void {
    let text = "";
    if (this.#columns === null) {
      this.#columns = csvColumns(row);
      text = this.#columns.map(cell).join(",") + "\n";
    }
    this.#file.writeSync(this.#encoder.encode(text + csvLine(this.#columns, row)));
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }
}
