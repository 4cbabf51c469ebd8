/**
 * Command-line parsing shared by every command: `node:util`'s `parseArgs` in strict mode,
 * with errors that name the flag and the value, and typed number parsing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intFlag, parseCommandLine } from "./args.ts";
 * const { values } = parseCommandLine(["--steps", "1000"], { steps: { type: "string" } }, "train");
 * assert.equal(intFlag(values.steps, "--steps", { min: 1 }), 1000);
 * assert.throws(
 *   () => parseCommandLine(["--step", "1"], { steps: { type: "string" } }, "train"),
 *   /unknown flag --step; did you mean --steps\?/,
 * );
 * ```
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../algorithms/mod.ts";
import { EnvError } from "../envs/errors.ts";
import { closestMatches } from "../envs/registry.ts";

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

/**
 * Parses `args` strictly; unknown flags and missing values become {@link UsageError}s in
 * plain words: an unknown flag suggests the closest known ones (`--step` → `--steps`), and
 * a negative number after a flag that takes a value is read as that value (`--steps -5`),
 * so that the flag's own validation can answer it.
 */
export function parseCommandLine<T extends OptionTable>(
  args: string[],
  options: T,
  command: string,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: boolean; strict: true }>> {
  const joined = joinNegativeValues(args, options);
  try {
    return parseArgs({ args: joined, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(command, explainParseError(error, joined, options, allowPositionals));
  }
}

/** `--flag -5` → `--flag=-5` for flags that take a value, so `-5` is not read as a flag. */
function joinNegativeValues(args: string[], options: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i].startsWith("--") ? args[i].slice(2) : undefined;
    const next = args[i + 1];
    if (
      flag !== undefined && options[flag]?.type === "string" && next !== undefined &&
      /^-\d|^-\.\d|^-Infinity$/.test(next)
    ) {
      out.push(`--${flag}=${next}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

/** Long and short spellings of every flag in `options`. */
function spellings(options: OptionTable): string[] {
  return Object.entries(options).flatMap(([name, o]) =>
    o.short === undefined ? [`--${name}`] : [`--${name}`, `-${o.short}`]
  );
}

function explainParseError(
  error: unknown,
  args: string[],
  options: OptionTable,
  allowPositionals: boolean,
): string {
  const code = (error as { code?: string })?.code;
  const raw = error instanceof Error ? error.message : String(error);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'([^']+)'/.exec(raw)?.[1] ?? args.find((a) => a.startsWith("-")) ?? "?";
    const name = flag.split("=")[0];
    const reach = name.length <= 2 ? 0 : Math.max(2, name.length / 3);
    const near = closestMatches(name, spellings(options), 1, reach);
    const hint = near.length > 0 ? `; did you mean ${near[0]}?` : "";
    return `unknown flag ${name}${hint} (see --help)`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const flag = /--[\w-]+/.exec(raw)?.[0];
    if (flag !== undefined && options[flag.slice(2)]?.type === "string") {
      return `${flag} needs a value, as in ${flag} VALUE (see --help)`;
    }
    return `${flag ?? "a flag"} takes no value (see --help)`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" || !allowPositionals) {
    const extra = /'([^']+)'/.exec(raw)?.[1];
    if (extra !== undefined) return `unexpected argument "${extra}" (see --help)`;
  }
  return `${raw} (see --help)`;
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
 * True for errors that mean "the command was asked for something that cannot be": a
 * {@link UsageError}, an invalid hyper-parameter ({@link ConfigError}: unknown key or bad
 * value) or an environment id that is not registered.
 */
export function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof ConfigError) return true;
  return error instanceof EnvError && error.method === "make" && error.path === "id";
}

/**
 * Runs a command's `main`, turning errors into a message on stderr and the exit code every
 * command shares: 2 for usage errors ({@link isUsageError}: unknown flag, env, algorithm or
 * key, bad value), 1 for failures at run time. `cleanup` runs either way (for example to
 * end sandbox Workers, which would keep the process alive).
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
    if (isUsageError(error)) {
      console.error(`error: ${(error as Error).message}`);
      Deno.exit(2);
    }
    console.error(error instanceof Error ? `error: ${error.message}` : `error: ${error}`);
    Deno.exit(1);
  }
}
