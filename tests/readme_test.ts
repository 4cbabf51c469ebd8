/**
 * The README's "Commands and permissions" table matches `deno.json`: every task is listed,
 * and each row's permissions are exactly the `--allow-*` flags (or `-A`) its task passes.
 * @module
 */
import assert from "node:assert/strict";

const readme = Deno.readTextFileSync(new URL("../README.md", import.meta.url));
const config = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
const tasks = config.tasks as Record<string, string>;

/** The permission flags of a task's first `deno run`/`deno test` command. */
function taskPermissions(command: string): string[] {
  const first = command.split("&&")[0];
  return first.split(/\s+/).filter((w) => w.startsWith("--allow-") || w === "-A").sort();
}

function tableRows(): { task: string; permissions: string[] }[] {
  const section = readme.split("## Commands and permissions")[1]?.split("\n## ")[0];
  assert.ok(section, "README has a Commands and permissions section");
  const rows: { task: string; permissions: string[] }[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const name = /^`deno task ([\w:-]+)/.exec(cells[1] ?? "")?.[1];
    if (name === undefined) continue;
    const permissions = [...(cells[3] ?? "").matchAll(/--allow-[\w-]+(=[^\s`]+)?|-A\b/g)]
      .map((m) => m[0]).sort();
    rows.push({ task: name, permissions });
  }
  return rows;
}

Deno.test("README: the permission table lists every task with exactly its deno.json flags", () => {
  const rows = tableRows();
  assert.deepEqual(rows.map((r) => r.task).sort(), Object.keys(tasks).sort());
  for (const row of rows) {
    assert.deepEqual(row.permissions, taskPermissions(tasks[row.task]), `deno task ${row.task}`);
  }
});
