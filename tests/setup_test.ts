/**
 * A new user's first steps, reproduced on a copy of the working tree: the first
 * `deno task train` on an empty Deno cache downloads only what training needs (zod), and
 * a stray `package.json` with a `node_modules/` in the root (what `npm install` leaves
 * behind) does not break the Deno tasks.
 * @module
 */
import assert from "node:assert/strict";

const repoRoot = new URL("../", import.meta.url).pathname;

/** Largest Deno cache, in bytes, that the first training run may leave behind. */
const FIRST_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/** Folders of a working tree that a fresh clone does not have. */
const SKIPPED = new Set([".git", "runs", "node_modules", ".tmp"]);

/** Copies the working tree (without `.git`, `runs/`, `node_modules/`) into a temp folder. */
async function copyTree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ascent_clone_" });
  async function copy(from: string, to: string): Promise<void> {
    await Deno.mkdir(to, { recursive: true });
    for await (const entry of Deno.readDir(from)) {
      if (SKIPPED.has(entry.name)) continue;
      if (entry.isDirectory) await copy(`${from}/${entry.name}`, `${to}/${entry.name}`);
      else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
    }
  }
  await copy(repoRoot.replace(/\/$/, ""), dir);
  return dir;
}

/** Total size in bytes of the files under `dir`. */
async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) total += await treeBytes(path);
    else if (entry.isFile) total += (await Deno.stat(path)).size;
  }
  return total;
}

async function task(cwd: string, env: Record<string, string>, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", ...args],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("first deno task train on an empty cache downloads only zod (≤ 20 MB)", async () => {
  const dir = await copyTree();
  const denoDir = await Deno.makeTempDir({ prefix: "ascent_deno_dir_" });
  try {
    const run = await task(
      dir,
      { DENO_DIR: denoDir, NO_COLOR: "1" },
      "train",
      "--steps",
      "2048",
      "--eval-episodes",
      "1",
      "--quiet",
    );
    assert.equal(run.code, 0, run.stderr);
    const npmDir = `${denoDir}/npm/registry.npmjs.org`;
    const packages: string[] = [];
    for await (const entry of Deno.readDir(npmDir)) packages.push(entry.name);
    assert.deepEqual(packages.sort(), ["zod"], `packages fetched: ${packages.join(", ")}`);
    const bytes = await treeBytes(denoDir);
    assert.ok(bytes <= FIRST_DOWNLOAD_LIMIT, `DENO_DIR grew to ${bytes} bytes`);
    assert.doesNotMatch(run.stderr, /Ignored build scripts/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(denoDir, { recursive: true });
  }
});

Deno.test("a stray package.json and node_modules/ in the root do not break deno tasks", async () => {
  const dir = await copyTree();
  try {
    await Deno.writeTextFile(
      `${dir}/package.json`,
      JSON.stringify({ name: "stray", version: "1.0.0", dependencies: { "left-pad": "1.3.0" } }),
    );
    await Deno.mkdir(`${dir}/node_modules/left-pad`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/node_modules/left-pad/package.json`,
      JSON.stringify({ name: "left-pad", version: "1.3.0", main: "index.js" }),
    );
    await Deno.writeTextFile(`${dir}/node_modules/left-pad/index.js`, "module.exports = 1;\n");
    const envs = await task(dir, { NO_COLOR: "1" }, "envs");
    assert.equal(envs.code, 0, envs.stderr);
    assert.match(envs.stdout, /CartPole-v1/);
    const train = await task(dir, { NO_COLOR: "1" }, "train", "--steps", "1024", "--quiet");
    assert.equal(train.code, 0, train.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
