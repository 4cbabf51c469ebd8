/**
 * Checkpoints: bit-identical round trip of parameters, optimiser state and JSON metadata
 * (including NaN payloads and −0), atomic writes, and a clear error for truncated,
 * corrupted, foreign and mismatched files.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import * as nn from "../nn/mod.ts";
import {
  type Checkpoint,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  loadCheckpointSync,
  loadParameters,
  optimizerStateFromCheckpoint,
  optimizerStateToCheckpoint,
  parametersToTensors,
  saveCheckpoint,
  saveCheckpointSync,
} from "../policies/checkpoint.ts";

function sample(): { net: nn.MLP; opt: nn.Adam; rng: Rng; ck: Checkpoint } {
  const rng = new Rng(4);
  const net = new nn.MLP({ sizes: [3, 5, 2], rng, name: "actor" });
  const opt = new nn.Adam(net.parameters(), { lr: 3e-4 });
  net.parameters()[0].grad.fill(0.5);
  opt.step();
  const o = optimizerStateToCheckpoint(opt.getState());
  const special = new Float32Array([NaN, -0, Infinity, 1e-45]);
  new Uint32Array(special.buffer)[0] = 0x7fc00123; // a NaN with a payload
  return {
    net,
    opt,
    rng,
    ck: {
      tensors: {
        ...parametersToTensors(net.parameters()),
        ...o.tensors,
        special: { shape: [4], data: special },
      },
      metadata: {
        optimizer: o.json,
        rng: rng.getState(),
        step: 7,
        name: "ünïcode",
      },
    },
  };
}

Deno.test("checkpoint: round trip is bit-identical (file and memory)", async () => {
  const { net, opt, ck } = sample();
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ck.safetensors`;
    await saveCheckpoint(path, ck);
    const back = await loadCheckpoint(path);
    assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(ck.tensors).sort());
    for (const [k, t] of Object.entries(ck.tensors)) {
      assert.deepEqual(back.tensors[k].shape, t.shape);
      assert.deepEqual(
        new Uint32Array(back.tensors[k].data.buffer),
        new Uint32Array(t.data.slice().buffer),
        `tensor ${k} bits`,
      );
    }
    assert.deepEqual(back.metadata, ck.metadata);
    // parameters and optimiser restore
    const net2 = new nn.MLP({ sizes: [3, 5, 2], rng: new Rng(0), name: "actor" });
    loadParameters(net2.parameters(), back.tensors, path);
    assert.deepEqual(nn.getFlatParams(net2.parameters()), nn.getFlatParams(net.parameters()));
    const opt2 = new nn.Adam(net2.parameters());
    const meta = back.metadata as { optimizer: unknown };
    opt2.setState(optimizerStateFromCheckpoint(meta.optimizer, back.tensors, path));
    assert.deepEqual(opt2.getState(), opt.getState());
    // sync versions and atomic overwrite leave no temp files
    saveCheckpointSync(path, ck);
    assert.deepEqual(loadCheckpointSync(path).metadata, ck.metadata);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["ck.safetensors"]);
    // the bytes are the safetensors layout: u64 header length then JSON
    const bytes = encodeCheckpoint(ck);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    assert.equal(header["actor.0.weight"].dtype, "F32");
    assert.deepEqual(header["actor.0.weight"].shape, [5, 3]);
    assert.equal((8 + n) % 8, 0, "data is 8-byte aligned");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: corrupt, truncated and mismatched files give clear errors", async () => {
  const { ck } = sample();
  const bad = (message: RegExp) => ({ name: "CheckpointError", message });
  const good = encodeCheckpoint(ck);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.safetensors`;
    await Deno.writeFile(path, good.subarray(0, good.length - 10));
    await assert.rejects(
      loadCheckpoint(path),
      (e: Error) =>
        e instanceof CheckpointError && e.source === path && e.message.includes(path) &&
        /truncated/.test(e.message),
    );
    await Deno.writeFile(path, good.subarray(0, 5));
    await assert.rejects(loadCheckpoint(path), bad(/bad.safetensors: file is 5 bytes/));
    await Deno.writeFile(path, good.subarray(0, 40));
    await assert.rejects(loadCheckpoint(path), bad(/header length \d+ exceeds the file size 40/));
    const flipped = good.slice();
    flipped[flipped.length - 3] ^= 0x10;
    await Deno.writeFile(path, flipped);
    await assert.rejects(
      loadCheckpoint(path),
      bad(/bad.safetensors: file CRC-32 is [0-9a-f]{8}, header says [0-9a-f]{8} \(corrupt\)/),
    );
    const junk = good.slice();
    junk[8] = 0x78; // "x" instead of the opening brace
    await Deno.writeFile(path, junk);
    await assert.rejects(loadCheckpoint(path), bad(/header is not valid JSON/));
    await assert.rejects(
      loadCheckpoint(`${dir}/missing.safetensors`),
      bad(/missing.safetensors: cannot read/),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // a header whose shape disagrees with its offsets
  const bytes = encodeCheckpoint({
    tensors: { w: { shape: [2, 2], data: new Float32Array(4) } },
    metadata: null,
  });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).replace(
    '"shape":[2,2]',
    '"shape":[2,3]',
  );
  bytes.set(new TextEncoder().encode(header), 8); // same length
  assert.throws(
    () => decodeCheckpoint(bytes, "x.st"),
    bad(/x.st: tensor "w": shape \[2,3\] needs 24 bytes, offsets span 16/),
  );
  // a checkpoint for another network
  const { tensors } = decodeCheckpoint(good, "good.st");
  const other = new nn.MLP({ sizes: [3, 6, 2], rng: new Rng(0), name: "actor" });
  assert.throws(
    () => loadParameters(other.parameters(), tensors, "good.st"),
    bad(/good.st: tensor "actor.0.weight" has shape \[5,3\], expected \[6, 3\]/),
  );
  const critic = new nn.MLP({ sizes: [3, 5, 1], rng: new Rng(0), name: "critic" });
  assert.throws(
    () => loadParameters(critic.parameters(), tensors, "good.st"),
    bad(/good.st: missing tensor "critic.0.weight"/),
  );
  assert.throws(
    () =>
      encodeCheckpoint({ tensors: { w: { shape: [3], data: new Float32Array(2) } }, metadata: 1 }),
    bad(/"w" has 2 values but shape \[3\]/),
  );
});

Deno.test("checkpoint: failed writes and bad optimiser states are CheckpointErrors", async () => {
  const { ck } = sample();
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/no/such/folder/ck.safetensors`;
    await assert.rejects(saveCheckpoint(path, ck), (e: Error) => {
      assert.ok(e instanceof CheckpointError, String(e));
      assert.equal(e.source, path);
      assert.match(e.message, /ck\.safetensors: cannot write/);
      return true;
    });
    assert.throws(() => saveCheckpointSync(path, ck), CheckpointError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(
    () => optimizerStateFromCheckpoint({ kind: "rmsprop" }, {}, "o.st"),
    { name: "CheckpointError", message: /o\.st: invalid optimiser state \{"kind":"rmsprop"\}/ },
  );
});

Deno.test("checkpoint: the CRC covers the whole file: one flipped bit in the metadata (5120 → 1120 steps) is refused", () => {
  const bytes = encodeCheckpoint({
    tensors: { w: { shape: [1, 2], data: new Float32Array([1, 2]) } },
    metadata: { timesteps: 5120, updates: 10 },
  });
  assert.deepEqual(decodeCheckpoint(bytes, "ok").metadata, { timesteps: 5120, updates: 10 });
  const text = new TextDecoder().decode(bytes);
  const at = text.indexOf("5120");
  assert.ok(at > 0);
  const flipped = bytes.slice();
  flipped[at] ^= 0x04; // "5" (0x35) → "1" (0x31): still valid JSON, a plausible counter
  assert.equal(new TextDecoder().decode(flipped).includes("1120"), true);
  assert.throws(
    () => decodeCheckpoint(flipped, "flipped.safetensors"),
    /checkpoint flipped.safetensors: file CRC-32 is [0-9a-f]{8}, header says [0-9a-f]{8} \(corrupt\)/,
  );
  // Every single-bit flip anywhere in the file is refused.
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes.slice();
    b[i] ^= 1 << (i % 8);
    assert.throws(() => decodeCheckpoint(b, "x"), CheckpointError, `byte ${i}`);
  }
});

Deno.test("checkpoint: agent counters are checked against each other", async () => {
  const { assertCounters } = await import("../algorithms/agent_checkpoint.ts");
  assertCounters("ok", { timesteps: 512, updates: 4, totalTimesteps: 1024 }, 128);
  assertCounters("episodes", { timesteps: 517, updates: 4, totalTimesteps: 1024 }, 0);
  assert.throws(
    () =>
      assertCounters("x.safetensors", { timesteps: 1120, updates: 40, totalTimesteps: 2048 }, 128),
    /checkpoint x\.safetensors: counters disagree: 1120 steps after 40 updates of 128 steps \(expected 5120\)/,
  );
  assert.throws(
    () => assertCounters("x", { timesteps: 3, updates: 4, totalTimesteps: 9 }, 0),
    /4 updates in 3 steps/,
  );
  assert.throws(
    () => assertCounters("x", { timesteps: -1, updates: 0, totalTimesteps: 9 }, 0),
    /counter timesteps is -1/,
  );
});
