/**
 * Computes the physical facts of Gymnasium's reference MJCF files and writes them to
 * `tests/data/mujoco/model_facts.json`, the fixture `tests/mujoco_models_test.ts` checks this
 * toolkit's own model descriptions against.
 *
 * Each file in `../shared/reference/mujoco/assets/` is compiled with the pinned MuJoCo build
 * and these facts are read from the compiled model: `nq`, `nv`, `nu`, `na`, `nbody`, `njnt`,
 * `opt.timestep`, `opt.integrator`, `opt.gravity`, `qpos0`, body masses and principal
 * inertias, joint types, ranges and stiffness, dof damping and armature, and
 * actuator gears and control ranges. Before writing, they are cross-checked against the
 * `compiled_model` section of the recorded `<EnvId>.json` (what MuJoCo 3.12.0's Python
 * bindings reported for the same files). Only the resulting small JSON is committed; the
 * reference files stay outside the repository.
 *
 * Usage: `deno run -A tools/mujoco_model_facts.ts`
 * @module
 */
import { loadMujoco, type MjModelLike } from "../envs/mujoco/runtime.ts";
import { MUJOCO_VERSION } from "../envs/mujoco/deps.ts";

/** Reference file of each environment. */
const ASSETS: Record<string, string> = {
  "InvertedPendulum-v5": "inverted_pendulum.xml",
  "InvertedDoublePendulum-v5": "inverted_double_pendulum.xml",
  "Reacher-v5": "reacher.xml",
  "Hopper-v5": "hopper.xml",
  "HalfCheetah-v5": "half_cheetah.xml",
  "Walker2d-v5": "walker2d_v5.xml",
  "Ant-v5": "ant.xml",
};

/** The facts recorded for one model (all arrays flat, row-major). */
export interface ModelFacts {
  /** Generalised coordinates. */
  nq: number;
  /** Degrees of freedom. */
  nv: number;
  /** Actuators. */
  nu: number;
  /** Activation states. */
  na: number;
  /** Bodies, the world body included. */
  nbody: number;
  /** Joints. */
  njnt: number;
  /** `opt.timestep`. */
  timestep: number;
  /** `opt.integrator` (0 Euler, 1 RK4). */
  integrator: number;
  /** `opt.gravity`. */
  gravity: number[];
  /** Reference configuration. */
  qpos0: number[];
  /** Body masses (nbody). */
  body_mass: number[];
  /** Principal inertias (nbody × 3). */
  body_inertia: number[];
  /** Joint types (njnt). */
  jnt_type: number[];
  /** Joint ranges (njnt × 2). */
  jnt_range: number[];
  /** Joint stiffness (njnt). */
  jnt_stiffness: number[];
  /** Dof damping (nv). */
  dof_damping: number[];
  /** Dof armature (nv). */
  dof_armature: number[];
  /** First gear component of each actuator (nu). */
  actuator_gear0: number[];
  /** Actuator control ranges (nu × 2). */
  actuator_ctrlrange: number[];
}

/** Reads the facts of a compiled model. */
export function modelFacts(model: MjModelLike): ModelFacts {
  const opt = model.opt;
  const facts: ModelFacts = {
    nq: model.nq,
    nv: model.nv,
    nu: model.nu,
    na: model.na,
    nbody: model.nbody,
    njnt: model.njnt,
    timestep: opt.timestep,
    integrator: opt.integrator,
    gravity: [...opt.gravity],
    qpos0: [...model.qpos0],
    body_mass: [...model.body_mass],
    body_inertia: [...model.body_inertia],
    jnt_type: [...model.jnt_type],
    jnt_range: [...model.jnt_range],
    jnt_stiffness: [...model.jnt_stiffness],
    dof_damping: [...model.dof_damping],
    dof_armature: [...model.dof_armature],
    actuator_gear0: Array.from({ length: model.nu }, (_, i) => model.actuator_gear[6 * i]),
    actuator_ctrlrange: [...model.actuator_ctrlrange],
  };
  opt.delete();
  return facts;
}

/** Compares the facts with the recorded `compiled_model`; returns the differences. */
function crossCheck(facts: ModelFacts, recorded: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const flat = (v: unknown): unknown[] => Array.isArray(v) ? v.flat(2) : [v];
  const same = (name: string, ours: unknown, theirs: unknown) => {
    const a = flat(ours);
    const b = flat(theirs);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
      problems.push(
        `${name}: compiled ${JSON.stringify(ours)} vs recorded ${JSON.stringify(theirs)}`,
      );
    }
  };
  const opt = recorded.opt as Record<string, unknown>;
  for (const key of ["nq", "nv", "nu", "na", "nbody", "njnt"] as const) {
    same(key, facts[key], recorded[key]);
  }
  same("timestep", facts.timestep, opt.timestep);
  same(
    "integrator",
    facts.integrator === 0 ? "Euler" : facts.integrator === 1 ? "RK4" : "?",
    opt.integrator,
  );
  same("gravity", facts.gravity, opt.gravity);
  for (
    const key of [
      "qpos0",
      "body_mass",
      "body_inertia",
      "jnt_type",
      "jnt_range",
      "jnt_stiffness",
      "dof_damping",
      "dof_armature",
      "actuator_gear0",
      "actuator_ctrlrange",
    ] as const
  ) {
    same(key, facts[key], recorded[key]);
  }
  return problems;
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const shared = new URL("../shared/reference/mujoco/", root);
  const mj = await loadMujoco();
  const models: Record<string, ModelFacts & { jnt_limited: boolean[] }> = {};
  let failed = false;
  for (const [id, file] of Object.entries(ASSETS)) {
    const xml = await Deno.readTextFile(new URL(`assets/${file}`, shared));
    const model = mj.MjModel.from_xml_string(xml);
    const facts = modelFacts(model);
    model.delete();
    const recorded = JSON.parse(await Deno.readTextFile(new URL(`${id}.json`, shared)));
    const problems = crossCheck(facts, recorded.compiled_model);
    for (const p of problems) console.error(`${id}: ${p}`);
    failed ||= problems.length > 0;
    // The 3.12.0 bindings cannot read `jnt_limited` (no Embind type for a bool view), so the
    // flags come from the recorded compiled model.
    models[id] = { ...facts, jnt_limited: recorded.compiled_model.jnt_limited };
  }
  if (failed) Deno.exit(1);
  const out = {
    note: "Facts of Gymnasium 1.4.0's MJCF files as compiled by MuJoCo " + MUJOCO_VERSION +
      " (tools/mujoco_model_facts.ts); the reference files themselves are not in this repository.",
    mujoco: MUJOCO_VERSION,
    models,
  };
  const target = new URL("tests/data/mujoco/model_facts.json", root);
  await Deno.writeTextFile(target, JSON.stringify(out, null, 2) + "\n");
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", target.pathname],
  }).output();
  if (fmt.code !== 0) throw new Error(`deno fmt failed: ${new TextDecoder().decode(fmt.stderr)}`);
  console.log(`wrote ${target.pathname}`);
}
