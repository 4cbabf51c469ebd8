/**
 * Shared helpers of the benchmark scripts: machine description, `--quick` flag, and an
 * atomic update of one named section of `BENCHMARKS.md`.
 * @module
 */
import { writeFileAtomic } from "../policies/atomic.ts";

/** A short description of this machine and runtime. */
export function machineInfo(): Record<string, string | number> {
  let cpu = "unknown CPU";
  try {
    const text = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.+)/.exec(text)?.[1]?.trim() ?? cpu;
  } catch { /* not Linux */ }
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    os: `${Deno.build.os}-${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
  };
}

/**
 * Replaces (or appends) the section of `BENCHMARKS.md` between
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` with `body`, prefixed by the date,
 * machine and command. A `--quick` run writes to `NAME-quick`, so it never replaces the
 * figures of a full run.
 */
export async function updateBenchmarks(
  name: string,
  command: string,
  body: string,
  path = new URL("../BENCHMARKS.md", import.meta.url).pathname,
): Promise<void> {
  if (isQuick() && !name.endsWith("-quick")) name = `${name}-quick`;
  let doc = "# Benchmarks\n\nEvery figure below was measured by the script named in its section.\n";
  try {
    doc = await Deno.readTextFile(path);
  } catch { /* first run */ }
  const m = machineInfo();
  const section = [
    `<!-- bench:${name} -->`,
    `## ${name}`,
    "",
    `- date: ${new Date().toISOString()}`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Deno ${m.deno} (V8 ${m.v8})`,
    `- command: \`${command}\``,
    "",
    body.trim(),
    "",
    `<!-- /bench:${name} -->`,
  ].join("\n");
  const start = doc.indexOf(`<!-- bench:${name} -->`);
  const endTag = `<!-- /bench:${name} -->`;
  const end = doc.indexOf(endTag);
  if (start >= 0 && end > start) {
    doc = doc.slice(0, start) + section + doc.slice(end + endTag.length);
  } else {
    doc = doc.trimEnd() + "\n\n" + section + "\n";
  }
  await writeFileAtomic(path, doc);
}

/** True when the script was started with `--quick`. */
export function isQuick(args: string[] = Deno.args): boolean {
  return args.includes("--quick");
}

/** Formats a Markdown table from a header and rows. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The 1-minute load average (other processes competing for the cores), if readable. */
export function loadAverage(): number | null {
  const text = loadAverages();
  return text === "n/a" ? null : Number(text.split(", ")[0]);
}

/** The 1, 5 and 15-minute load averages as text ("0.52, 0.61, 0.70"), or "n/a". */
export function loadAverages(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(", ");
  } catch {
    return "n/a";
  }
}
