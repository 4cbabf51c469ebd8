/**
 * A loopback TCP server that accepts connections and never answers, for tests of
 * timeouts (a plugin host that hangs).
 * @module
 */

/** Runs `fn` with `http://127.0.0.1:PORT/` of a server that never answers, then closes it. */
export async function withSilentServer(fn: (base: string) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    try {
      for await (const c of listener) held.push(c);
    } catch { /* closed */ }
  })();
  try {
    await fn(`http://127.0.0.1:${listener.addr.port}/`);
  } finally {
    listener.close();
    for (const c of held) c.close();
    await accepting;
  }
}
