/**
 * Run folders cannot be shared or clobbered by accident: default folders are claimed
 * atomically (parallel runs with the same name get different folders), `--force` clears
 * what it replaces, stray temporary files of a killed process are found and removed, and
 * `export --out` refuses to overwrite a file it did not write.
 * @module
 */
import assert from "node:assert/strict";
import { CLAIM_FILE, claimDir, clearRunOutputs, freshDir } from "../cli/run_folder.ts";
import { removeStrayTemps, writeFileAtomic } from "../policies/atomic.ts";

const root = new URL("../", import.meta.url).pathname;

Deno.test("run folders: parallel claims of one name get distinct folders", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_claim_" });
  try {
    const base = `${dir}/ppo-CartPole-v1-s1`;
    const claimed = await Promise.all(Array.from({ length: 8 }, () => freshDir(base)));
    assert.equal(new Set(claimed).size, 8, claimed.join(", "));
    for (const d of claimed) await Deno.stat(`${d}/${CLAIM_FILE}`);
    // Processes race too: four of them claim the same base at once.
    const script = `import { freshDir } from ${JSON.stringify(`${root}cli/run_folder.ts`)};
console.log(await freshDir(${JSON.stringify(`${dir}/shared`)}));`;
    const outs = await Promise.all(
      Array.from({ length: 4 }, () =>
        new Deno.Command(Deno.execPath(), {
          args: ["eval", "--no-lock", `--allow-read=${dir}`, `--allow-write=${dir}`, script],
          stdout: "piped",
          stderr: "piped",
        }).output()),
    );
    const dirs = outs.map((o) => new TextDecoder().decode(o.stdout).trim());
    assert.equal(new Set(dirs).size, 4, dirs.join(", "));
    assert.equal(await claimDir(base), false, "a claimed folder cannot be claimed again");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run folders: --force clears the previous run's outputs; stray temporary files are removed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_force_" });
  try {
    for (const f of ["config.json", "metrics.jsonl", "summary.json", "policy.onnx", "notes.txt"]) {
      await Deno.writeTextFile(`${dir}/${f}`, "old");
    }
    await Deno.mkdir(`${dir}/checkpoint`);
    await Deno.writeTextFile(`${dir}/checkpoint/agent.safetensors`, "old");
    const removed = await clearRunOutputs(dir);
    assert.deepEqual(removed.sort(), [
      "checkpoint/",
      "config.json",
      "metrics.jsonl",
      "policy.onnx",
      "summary.json",
    ]);
    assert.equal(await Deno.readTextFile(`${dir}/notes.txt`), "old", "other files stay");
    await Deno.writeTextFile(`${dir}/summary.json.tmp-0a1b2c3d`, "torn");
    await Deno.writeTextFile(`${dir}/keep.tmp-notours`, "x");
    await writeFileAtomic(`${dir}/summary.json`, "{}");
    assert.deepEqual(await removeStrayTemps(dir), [`${dir}/summary.json.tmp-0a1b2c3d`]);
    await Deno.stat(`${dir}/keep.tmp-notours`);
    assert.deepEqual(await removeStrayTemps(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("export: --out refuses to overwrite a file export did not write, unless --force", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ascent_export_out_" });
  try {
    const config = {
      format: "ascent-run/1",
      algo: "ppo",
      env: "CartPole-v1",
      steps: 0,
      seed: 1,
      plugins: [],
      checkpointEvery: 0,
      config: {},
    };
    const text = JSON.stringify(config, null, 2) + "\n";
    await Deno.writeTextFile(`${dir}/config.json`, text);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${root}cli/export.ts`, dir, "--out", `${dir}/config.json`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, stderr);
    assert.match(stderr, /config\.json exists and is not an ONNX policy written by export/);
    assert.match(stderr, /--force/);
    assert.equal(await Deno.readTextFile(`${dir}/config.json`), text, "untouched");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
