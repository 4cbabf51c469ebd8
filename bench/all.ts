/**
 * `deno task bench [--quick]`: runs every benchmark script in turn (each in its own
 * process, so they do not disturb each other's timings), forwards `--quick`, and prints
 * one JSON object collecting each script's last-line figures.
 * @module
 */
const SCRIPTS = ["envs.ts", "nn.ts", "onnx.ts", "workers.ts", "train.ts", "learn.ts"];

const args = Deno.args.includes("--quick") ? ["--quick"] : [];
const results: Record<string, unknown> = {};
for (const script of SCRIPTS) {
  const path = new URL(`./${script}`, import.meta.url).pathname;
  console.error(`bench: ${script} ${args.join(" ")}`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  Deno.stdout.writeSync(out.stdout);
  const lastLine = text.trim().split("\n").at(-1) ?? "";
  try {
    results[script.replace(/\.ts$/, "")] = out.code === 0
      ? JSON.parse(lastLine)
      : { failed: out.code };
  } catch {
    results[script.replace(/\.ts$/, "")] = { failed: "no JSON last line" };
  }
}
console.log(JSON.stringify(results));
