/**
 * The interrupt handler starts its watchdog Worker only when asked (creating a Worker
 * holds the main thread for tens of milliseconds), once, and a started watchdog listens.
 */
import assert from "node:assert/strict";
import { handleInterrupts } from "../cli/signals.ts";

Deno.test("handleInterrupts: no watchdog until watch(); watch() starts one, once", async () => {
  const created: string[] = [];
  const RealWorker = globalThis.Worker;
  class CountingWorker extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      created.push(String(url));
    }
  }
  globalThis.Worker = CountingWorker;
  try {
    const handler = handleInterrupts(() => {});
    assert.equal(handler.watching, false);
    assert.equal(created.length, 0, "no Worker before watch()");
    const ready = handler.watch();
    assert.equal(handler.watching, true);
    assert.equal(handler.watch(), ready, "a second watch() returns the same Promise");
    await ready;
    assert.equal(created.length, 1);
    assert.match(created[0], /signal_watchdog\.ts$/);
    handler.dispose();
  } finally {
    globalThis.Worker = RealWorker;
  }
});
