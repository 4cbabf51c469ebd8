/**
 * Shared by the command-line tests: runs a program — one `cli/*.ts` in a fresh
 * `deno run -A` process, or any command — and returns its exit code and decoded output;
 * and the folder a sweep test starts from (a temporary folder holding `spec.json`).
 * @module
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

/** The repository's root folder (a path). */
export const ROOT: string = root.pathname;

/** What a finished command printed. */
export interface CliResult {
  /** Exit code (127 when the program could not be started). */
  code: number;
  /** Decoded standard output. */
  stdout: string;
  /** Decoded standard error (the start-up error when it could not be started). */
  stderr: string;
}

/** Runs `program` with `args` in `cwd` (default the repository root), with `NO_COLOR=1`. */
export async function runCommand(
  program: string,
  args: string[],
  cwd: string = ROOT,
): Promise<CliResult> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(program, {
      args,
      cwd,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    return { code: 127, stdout: "", stderr: String(error) };
  }
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs `script` (a path relative to the repository root) with `args` in `cwd`. */
export function runScript(cwd: string, script: string, ...args: string[]): Promise<CliResult> {
  return runCommand(Deno.execPath(), ["run", "-A", new URL(script, root).pathname, ...args], cwd);
}

/** Like {@link runScript}, but fails the test unless the command exits 0; returns stdout. */
export async function runOk(cwd: string, script: string, ...args: string[]): Promise<string> {
  const r = await runScript(cwd, script, ...args);
  assert.equal(r.code, 0, `${script} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Where a sweep test works: a fresh temporary folder, its `spec.json`, and `DIR/sweep`. */
export interface SweepFolder {
  /** The temporary folder (remove it at the end). */
  dir: string;
  /** `DIR/spec.json`, holding the spec. */
  specPath: string;
  /** `DIR/sweep`, the sweep's `--out`. */
  out: string;
}

/** Makes a temporary folder (name starting with `prefix`) and writes `spec` to its `spec.json`. */
export async function sweepFolder(prefix: string, spec: unknown): Promise<SweepFolder> {
  const dir = await Deno.makeTempDir({ prefix });
  const specPath = `${dir}/spec.json`;
  await Deno.writeTextFile(specPath, JSON.stringify(spec));
  return { dir, specPath, out: `${dir}/sweep` };
}
