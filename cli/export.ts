/**
 * `deno task export DIR`: writes the policy of a run folder as an ONNX model.
 *
 * The graph takes `obs` (float32, dynamic batch), applies the observation normalisation the
 * agent trained with, and returns `action` plus the distribution's parameters (see
 * `policies/onnx/README.md`). `--deterministic` (the default) makes `action` the most
 * probable action; `--stochastic` samples it inside the graph.
 * @module
 */
import { loadAgent } from "../algorithms/mod.ts";
import { readOnnxInfo } from "../policies/onnx/mod.ts";
import { exportOnnx } from "../policies/onnx/mod.ts";
import { EnvWorker } from "../plugins/mod.ts";
import { parseCommandLine, runMain, UsageError } from "./args.ts";
import { assertCheckpointMatchesRun, readRunOrAgentConfig, runPaths } from "./run_folder.ts";
import { PLUGIN_FLAGS, PLUGIN_FLAGS_HELP } from "./plugin_flags.ts";
import { loadedRecord, loadRunPlugins } from "./plugin_trust.ts";

const HELP = `deno task export DIR [flags]

  --out FILE        where to write (default DIR/policy.onnx); an existing file is replaced
                    only when it is an ONNX policy written by export (else use --force)
  --force           replace --out even when it is not a policy export wrote
  --deterministic   action = argmax / Gaussian mean (default)
  --stochastic      action sampled inside the graph
  --with-value      add the critic's value output
  --no-clip         do not clip continuous actions to the action space
${PLUGIN_FLAGS_HELP}
                    (the run's own plugins are reloaded, sandboxed if they were; the
                    file records which, and infer sandboxes them again)
  -h, --help        this text
`;

/**
 * Refuses to replace `path` unless it is absent or an ONNX policy written by Ascent (its
 * metadata holds `ascent.*` keys): `--out` pointing at a run's `config.json`, a checkpoint
 * or any other file is a usage error, not a silent overwrite.
 */
async function assertReplaceable(path: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    const stat = await Deno.stat(path);
    if (stat.isDirectory) throw new UsageError("--out", `${path} is a folder, not a file`);
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  let ours = false;
  try {
    ours = Object.keys(readOnnxInfo(bytes).metadata).some((k) => k.startsWith("ascent."));
  } catch { /* not ONNX */ }
  if (!ours) {
    throw new UsageError(
      "--out",
      `${path} exists and is not an ONNX policy written by export; refusing to overwrite ` +
        `it (use --force to replace it anyway)`,
    );
  }
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    args,
    {
      out: { type: "string" },
      deterministic: { type: "boolean" },
      stochastic: { type: "boolean" },
      "with-value": { type: "boolean" },
      "no-clip": { type: "boolean" },
      ...PLUGIN_FLAGS,
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    "export",
    true,
  );
  if (values.help) return console.log(HELP);
  if (positionals.length !== 1) {
    throw new UsageError("export", "expected one run folder (see --help)");
  }
  if (values.deterministic && values.stochastic) {
    throw new UsageError("export", "--deterministic and --stochastic exclude each other");
  }
  const dir = positionals[0];
  const run = await readRunOrAgentConfig(dir);
  const out = values.out ?? runPaths(dir).onnx;
  if (!values.force) await assertReplaceable(out);
  const { report } = await loadRunPlugins(run, values);
  await assertCheckpointMatchesRun(dir, run);
  const agent = await loadAgent(dir);
  const bytes = await exportOnnx(agent.toPolicySpec(), out, {
    deterministic: !values.stochastic,
    withValue: values["with-value"] ?? false,
    clipActions: !values["no-clip"],
    plugins: loadedRecord(report, run), // the trust level travels with the file
  });
  await agent.close();
  const info = readOnnxInfo(bytes);
  console.log(
    `wrote ${out} (${bytes.length} bytes): inputs ${info.inputs.map((i) => i.name).join(", ")}; ` +
      `outputs ${info.outputs.map((o) => o.name).join(", ")}`,
  );
}

if (import.meta.main) await runMain(() => main(Deno.args), () => EnvWorker.terminateAll());
