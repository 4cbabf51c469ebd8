/**
 * The Worker half of `cli/signals.ts`: it listens for SIGINT and SIGTERM on its
 * own thread, so it hears them even while the main thread is stuck (an unsandboxed plugin
 * in an endless synchronous loop never lets the main thread's listeners run). On the
 * second signal it prints a line and kills the process with SIGKILL (`Deno.kill` needs
 * `--allow-run`, which the training command has for the sandbox).
 * @module
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

let signals = 0;
const onSignal = (name: string) => () => {
  signals++;
  if (signals < 2) return;
  try {
    Deno.stderr.writeSync(
      new TextEncoder().encode(
        `\n${name} again: exiting now (the last checkpoint on disk is kept)\n`,
      ),
    );
  } catch { /* no stderr */ }
  try {
    Deno.kill(Deno.pid, "SIGKILL");
  } catch { /* no run permission: only the main thread's handler remains */ }
};
Deno.addSignalListener("SIGINT", onSignal("SIGINT"));
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal("SIGTERM"));
self.postMessage("listening");
