/**
 * Shared by the command-line tests: runs one `cli/*.ts` (or any repository script) in a
 * fresh `deno run -A` process and returns its exit code and decoded output.
 * @module
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

/** What a finished command printed. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Decoded standard output. */
  stdout: string;
  /** Decoded standard error. */
  stderr: string;
}

/** Runs `script` (a path relative to the repository root) with `args` in `cwd`. */
export async function runScript(
  cwd: string,
  script: string,
  ...args: string[]
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, root).pathname, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Like {@link runScript}, but fails the test unless the command exits 0; returns stdout. */
export async function runOk(cwd: string, script: string, ...args: string[]): Promise<string> {
  const r = await runScript(cwd, script, ...args);
  assert.equal(r.code, 0, `${script} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}
