/**
 * The source files a convention check reads: every file below a root whose name ends in one
 * of the given suffixes, in sorted order, skipping version control, caches, run folders and
 * hidden folders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceFiles } from "./walk.ts";
 * const root = new URL("..", import.meta.url).pathname;
 * const files: string[] = [];
 * for await (const f of sourceFiles(root, [".ts"])) files.push(f);
 * assert.ok(files.includes("tools/walk.ts"));
 * assert.ok(!files.some((f) => f.startsWith(".git/") || f.startsWith("runs/")));
 * ```
 * @module
 */

const SKIP_DIRS = new Set([".git", "node_modules", ".tmp", "runs"]);

/** Paths (relative to `root`, `/`-separated) of the files ending in one of `suffixes`. */
export async function* sourceFiles(
  root: string,
  suffixes: readonly string[],
  dir = "",
): AsyncGenerator<string> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir === "" ? root : `${root}/${dir}`)) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory && !SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) {
      yield* sourceFiles(root, suffixes, rel);
    } else if (e.isFile && suffixes.some((s) => e.name.endsWith(s))) {
      yield rel;
    }
  }
}
