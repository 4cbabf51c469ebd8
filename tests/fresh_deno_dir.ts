/**
 * The lazy-loading checks' one runner: a program in a temporary folder without `deno.json`
 * (as a user's would be), run by `deno run --no-lock --allow-read=<folder>` with an empty
 * `DENO_DIR` in that folder. The folder is removed afterwards.
 * @module
 */
import assert from "node:assert/strict";

/** What {@link runWithFreshDenoDir} saw: the program's JSON output, stderr, npm downloads. */
export interface FreshRun {
  /** The program's stdout, parsed as JSON. */
  output: unknown;
  /** The program's stderr. */
  stderr: string;
  /** The npm packages the run downloaded into its `DENO_DIR`. */
  packages: string[];
  /**
   * The repository's modules the run loaded, as paths from the repository root: Deno
   * caches the emitted JavaScript of each local TypeScript module it loads under
   * `DENO_DIR/gen/file/…`, and of no other.
   */
  loadedModules: string[];
}

/** The repository's root folder. */
const ROOT = new URL("../", import.meta.url).pathname;

/** Paths (from the repository root) of the `.ts` modules emitted under `gen`. */
function emittedModules(gen: string): string[] {
  const base = `${gen}/file${ROOT}`;
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory) walk(`${dir}/${e.name}`);
      else if (e.name.endsWith(".ts.js")) {
        found.push(`${dir}/${e.name}`.slice(base.length).replace(/\.js$/, ""));
      }
    }
  };
  walk(base.replace(/\/$/, ""));
  return found.sort();
}

/**
 * Runs the program of `lines` (joined by newlines) with an empty Deno cache; asserts that it
 * exits with 0. `prefix` names the temporary folder.
 */
export async function runWithFreshDenoDir(prefix: string, lines: string[]): Promise<FreshRun> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await Deno.writeTextFile(`${dir}/main.ts`, lines.join("\n"));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-lock", `--allow-read=${dir}`, `${dir}/main.ts`],
      cwd: dir,
      env: { DENO_DIR: `${dir}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const registry = `${dir}/deno_dir/npm/registry.npmjs.org`;
    return {
      output: JSON.parse(new TextDecoder().decode(out.stdout)),
      stderr,
      packages: [...Deno.readDirSync(registry)].map((e) => e.name),
      loadedModules: emittedModules(`${dir}/deno_dir/gen`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
