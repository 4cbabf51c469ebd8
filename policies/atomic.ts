/**
 * Atomic file writes: the data goes to a temporary file beside `path`, which is then
 * renamed over `path`. A reader (or a process killed mid-write) sees either the old file
 * or the complete new one, never a torn one. On failure the temporary file is removed and
 * the error is rethrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.json`, "{}\n");
 * assert.equal(await Deno.readTextFile(`${dir}/a.json`), "{}\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @module
 */

function tempPath(path: string): string {
  return `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
}

/** Writes bytes or text to `path` atomically (temporary file, then rename). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPath(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** Synchronous {@link writeFileAtomic} (for exit handlers). */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  const tmp = tempPath(path);
  try {
    if (typeof data === "string") Deno.writeTextFileSync(tmp, data);
    else Deno.writeFileSync(tmp, data);
    Deno.renameSync(tmp, path);
  } catch (error) {
    try {
      Deno.removeSync(tmp);
    } catch { /* not created */ }
    throw error;
  }
}

/** The name pattern of the temporary files {@link writeFileAtomic} creates. */
export const TEMP_FILE_PATTERN: RegExp = /\.tmp-[0-9a-f]{8}$/;

/**
 * Removes the temporary files (`*.tmp-xxxxxxxx`) a killed process left in `dir` (not
 * recursive; a missing folder is fine). Returns the paths removed.
 */
export async function removeStrayTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const d = dir.replace(/\/+$/, "");
  try {
    for await (const entry of Deno.readDir(d)) {
      if (entry.isFile && TEMP_FILE_PATTERN.test(entry.name)) {
        await Deno.remove(`${d}/${entry.name}`).catch(() => {});
        removed.push(`${d}/${entry.name}`);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed.sort();
}
