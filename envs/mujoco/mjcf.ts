/**
 * A typed description of the small MJCF subset the seven locomotion and control models use,
 * and its translation to MJCF text for MuJoCo's XML compiler.
 *
 * The environment files describe their models with these types (bodies, joints, geoms,
 * sites, motors, defaults and options); {@link toMjcf} turns a description into XML. Only
 * physical elements are described: no lights, cameras, materials or textures (nothing here
 * renders). Numbers are written in JavaScript's shortest round-trip form, so the compiler
 * reads back exactly the double written in the description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toMjcf } from "./mjcf.ts";
 * const xml = toMjcf({
 *   name: "ball",
 *   option: { timestep: 0.01, integrator: "RK4" },
 *   bodies: [{ name: "ball", pos: [0, 0, 1], joints: [{ name: "drop", type: "slide", axis: [0, 0, 1] }],
 *     geoms: [{ name: "ball", type: "sphere", size: [0.1] }] }],
 *   motors: [],
 * });
 * assert.match(xml, /<joint name="drop" type="slide" axis="0 0 1"\/>/);
 * ```
 * @module
 */

/** Attributes a joint may carry (also usable as the model's joint defaults). */
export interface JointAttributes {
  /** Axis in the body frame. */
  axis?: readonly number[];
  /** Anchor in the body frame. */
  pos?: readonly number[];
  /** Whether the range is enforced; MuJoCo infers it from `range` when omitted. */
  limited?: boolean;
  /** Joint range (degrees or radians, as the model's `angle`). */
  range?: readonly [number, number];
  /** Reference position (the joint's value in `qpos0`). */
  ref?: number;
  /** Viscous damping. */
  damping?: number;
  /** Rotor inertia added to the dof. */
  armature?: number;
  /** Spring stiffness. */
  stiffness?: number;
  /** Distance from the limit at which the limit constraint activates. */
  margin?: number;
  /** Solver reference of the limit constraint. */
  solreflimit?: readonly number[];
  /** Solver impedance of the limit constraint. */
  solimplimit?: readonly number[];
}

/** A joint of a body. */
export interface JointDesc extends JointAttributes {
  /** Joint name (the observation layouts refer to it). */
  name: string;
  /** Joint type. */
  type: "free" | "slide" | "hinge";
}

/** Attributes a geom may carry (also usable as the model's geom defaults). */
export interface GeomAttributes {
  /** Collision type bits. */
  contype?: number;
  /** Collision affinity bits. */
  conaffinity?: number;
  /** Contact dimensionality. */
  condim?: number;
  /** Sliding, torsional and rolling friction (fewer values keep the defaults' rest). */
  friction?: readonly number[];
  /** Density used to derive the body inertia. */
  density?: number;
  /** Contact margin. */
  margin?: number;
  /** Contact solver reference. */
  solref?: readonly number[];
  /** Contact solver impedance. */
  solimp?: readonly number[];
}

/** A geom (collision and inertia shape). */
export interface GeomDesc extends GeomAttributes {
  /** Geom name. */
  name: string;
  /** Shape. */
  type: "capsule" | "sphere" | "plane" | "cylinder";
  /** Shape sizes (omit when `fromto` gives the length). */
  size: readonly number[];
  /** Centre in the body frame. */
  pos?: readonly number[];
  /** Orientation quaternion (w, x, y, z). */
  quat?: readonly number[];
  /** Orientation as axis (3) and angle. */
  axisangle?: readonly number[];
  /** Segment end points (6) of a capsule or cylinder. */
  fromto?: readonly number[];
}

/** A site (a named point). */
export interface SiteDesc {
  /** Site name. */
  name: string;
  /** Position in the body frame. */
  pos: readonly number[];
}

/** A body with its joints, geoms, sites and children (in compile order). */
export interface BodyDesc {
  /** Body name; omitted for anonymous bodies. */
  name?: string;
  /** Position in the parent frame. */
  pos: readonly number[];
  /** Joints, in `qpos` order. */
  joints?: readonly JointDesc[];
  /** Geoms. */
  geoms?: readonly GeomDesc[];
  /** Sites. */
  sites?: readonly SiteDesc[];
  /** Child bodies. */
  bodies?: readonly BodyDesc[];
}

/** A motor on a joint. */
export interface MotorDesc {
  /** The driven joint. */
  joint: string;
  /** Gear ratio (torque or force per unit control). */
  gear: number;
  /** Control range, enforced by MuJoCo. */
  ctrlrange: readonly [number, number];
}

/** A whole model. */
export interface ModelDesc {
  /** Model name. */
  name: string;
  /** Unit of joint ranges and `axisangle` (default degree, MuJoCo's default). */
  angle?: "degree" | "radian";
  /** Rescale all masses so that the total mass is this value. */
  settotalmass?: number;
  /** Physics options. */
  option: {
    /** Time step of one `mj_step`. */
    timestep: number;
    /** Integrator. */
    integrator: "Euler" | "RK4";
    /** Gravity (default 0 0 −9.81). */
    gravity?: readonly [number, number, number];
  };
  /** Defaults applied to every joint and geom (element attributes override them). */
  defaults?: { joint?: JointAttributes; geom?: GeomAttributes };
  /** Geoms fixed to the world body. */
  worldGeoms?: readonly GeomDesc[];
  /** The bodies under the world body. */
  bodies: readonly BodyDesc[];
  /** Actuators, in `ctrl` order. */
  motors: readonly MotorDesc[];
}

/** Attributes of an unactuated, unlimited root joint (no damping, armature or spring). */
export const ROOT_JOINT: Readonly<JointAttributes> = {
  limited: false,
  armature: 0,
  damping: 0,
  stiffness: 0,
};

/** Formats one attribute value: numbers shortest round-trip, arrays space-separated. */
function value(v: number | string | boolean | readonly number[]): string {
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  return v.map(String).join(" ");
}

/** `name="value"` pairs of the defined entries of `attrs`, in the given order. */
function attributes(
  attrs: Record<string, number | string | boolean | readonly number[] | undefined>,
): string {
  let out = "";
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined) out += ` ${k}="${value(v)}"`;
  }
  return out;
}

function jointXml(j: JointDesc | JointAttributes & { name?: string; type?: string }): string {
  return `<joint${
    attributes({
      name: j.name,
      type: j.type,
      axis: j.axis,
      pos: j.pos,
      limited: j.limited,
      range: j.range,
      ref: j.ref,
      damping: j.damping,
      armature: j.armature,
      stiffness: j.stiffness,
      margin: j.margin,
      solreflimit: j.solreflimit,
      solimplimit: j.solimplimit,
    })
  }/>`;
}

function geomXml(g: GeomDesc | GeomAttributes & Partial<GeomDesc>): string {
  return `<geom${
    attributes({
      name: g.name,
      type: g.type,
      size: g.size,
      pos: g.pos,
      quat: g.quat,
      axisangle: g.axisangle,
      fromto: g.fromto,
      contype: g.contype,
      conaffinity: g.conaffinity,
      condim: g.condim,
      friction: g.friction,
      density: g.density,
      margin: g.margin,
      solref: g.solref,
      solimp: g.solimp,
    })
  }/>`;
}

function bodyXml(b: BodyDesc, indent: string, lines: string[]): void {
  lines.push(`${indent}<body${attributes({ name: b.name, pos: b.pos })}>`);
  const inner = indent + "  ";
  for (const j of b.joints ?? []) lines.push(inner + jointXml(j));
  for (const g of b.geoms ?? []) lines.push(inner + geomXml(g));
  for (const s of b.sites ?? []) {
    lines.push(`${inner}<site${attributes({ name: s.name, pos: s.pos })}/>`);
  }
  for (const child of b.bodies ?? []) bodyXml(child, inner, lines);
  lines.push(`${indent}</body>`);
}

/** The MJCF text of a model description. */
export function toMjcf(desc: ModelDesc): string {
  const lines: string[] = [`<mujoco model="${desc.name}">`];
  lines.push(
    `  <compiler${
      attributes({
        angle: desc.angle ?? "degree",
        inertiafromgeom: "true",
        settotalmass: desc.settotalmass,
      })
    }/>`,
  );
  const o = desc.option;
  lines.push(
    `  <option${
      attributes({ timestep: o.timestep, integrator: o.integrator, gravity: o.gravity })
    }/>`,
  );
  const d = desc.defaults;
  if (d?.joint !== undefined || d?.geom !== undefined) {
    lines.push("  <default>");
    if (d.joint !== undefined) lines.push("    " + jointXml(d.joint));
    if (d.geom !== undefined) lines.push("    " + geomXml(d.geom));
    lines.push("  </default>");
  }
  lines.push("  <worldbody>");
  for (const g of desc.worldGeoms ?? []) lines.push("    " + geomXml(g));
  for (const b of desc.bodies) bodyXml(b, "    ", lines);
  lines.push("  </worldbody>");
  lines.push("  <actuator>");
  for (const m of desc.motors) {
    lines.push(
      `    <motor${
        attributes({ joint: m.joint, gear: m.gear, ctrllimited: true, ctrlrange: m.ctrlrange })
      }/>`,
    );
  }
  lines.push("  </actuator>");
  lines.push("</mujoco>");
  return lines.join("\n") + "\n";
}
