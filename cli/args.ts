/**
 * Command-line parsing shared by every command: `node:util`'s `parseArgs` in strict mode,
 * with errors that name the flag and the value, and typed number parsing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCommandLine, intFlag } from "./args.ts";
 * const { values } = parseCommandLine(["--steps", "1000"], { steps: { type: "string" } }, "train");
 * assert.equal(intFlag(values.steps, "--steps", { min: 1 }), 1000);
 * ```
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A usage error: the command prints the message and exits with code 2. */
export class UsageError extends Error {
  /** Creates the error; `command` prefixes the message. */
  constructor(command: string, message: string) {
    super(`${command}: ${message}`);
    this.name = "UsageError";
  }
}

/** The option table accepted by {@link parseCommandLine}. */
export type OptionTable = NonNullable<ParseArgsConfig["options"]>;

/** Parses `args` strictly; unknown flags and missing values become {@link UsageError}s. */
export function parseCommandLine<T extends OptionTable>(
  args: string[],
  options: T,
  command: string,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(command, `${message} (see --help)`);
  }
}

/** Parses an integer flag, with bounds; `undefined` stays `undefined`. */
export function intFlag(
  value: unknown,
  flag: string,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).replaceAll("_", "");
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n)) {
    throw new UsageError(flag, `expected an integer, got "${value}"`);
  }
  if (bounds.min !== undefined && n < bounds.min) {
    throw new UsageError(flag, `must be at least ${bounds.min}, got ${n}`);
  }
  if (bounds.max !== undefined && n > bounds.max) {
    throw new UsageError(flag, `must be at most ${bounds.max}, got ${n}`);
  }
  return n;
}

/** Parses `key=value` overrides; values are JSON when they parse as JSON, else strings. */
export function parseSetOverrides(items: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError("--set", `expected key=value, got "${item}"`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch { /* a plain string */ }
    setPath(out, key.split("."), value);
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

/**
 * Runs a command's `main`, turning {@link UsageError}s (and other errors) into a message
 * on stderr and a non-zero exit code; `cleanup` runs either way (for example to end
 * sandbox Workers, which would keep the process alive).
 */
export async function runMain(
  main: () => Promise<void> | void,
  cleanup: () => void = () => {},
): Promise<void> {
  try {
    await main();
    cleanup();
  } catch (error) {
    cleanup();
    if (error instanceof UsageError) {
      console.error(error.message);
      Deno.exit(2);
    }
    console.error(error instanceof Error ? `error: ${error.message}` : `error: ${error}`);
    Deno.exit(1);
  }
}
