/**
 * Parameters: a tree of named tensors, and the one flat vector θ they form.
 *
 * A network's parameters are a nested record of tensors,
 *
 *   { fc1: { weight: [784, 300], bias: [300] }, fc2: { ... }, ... }
 *
 * addressed by dotted paths ('fc1.weight'). The landscape code instead sees
 * one point θ ∈ ℝ^D: every parameter's elements laid end to end, in a fixed
 * order. A `ParameterSpec` records that order: for each parameter its name,
 * shape, offset in θ and size (plus its role and fans, which initialisation
 * needs), and D, the total.
 *
 *   flatten(params)     θ = concat(vec(p₁), vec(p₂), …)          (reshape + concatenate)
 *   unflatten(θ, spec)  p_i = reshape(θ[o_i : o_i + n_i], shape_i)  (slice + reshape)
 *
 * Both are built from the engine's ops, so both are differentiable: a loss
 * written as θ ↦ L(unflatten(θ)) has an exact gradient, Hessian-vector
 * product and jvp with respect to θ. And because unflatten only slices and
 * reshapes, its Jacobian is a permutation: the gradient with respect to θ is
 * exactly the per-parameter gradients laid end to end in the same order.
 */
import { Tensor, concatenate, formatShape, fromTypedArray, reshape, slice, zeros } from '../autodiff/index.js';

/** A tree of named tensors: each value is a parameter or a subtree. */
export interface Params {
  readonly [name: string]: Tensor | Params;
}

/** What a parameter is for: weights are drawn at random, biases start at zero. */
export type ParameterRole = 'weight' | 'bias';

/** A parameter a layer declares: everything about it except where it sits in θ. */
export interface ParameterDeclaration {
  /** Dotted path in the parameter tree, e.g. 'conv1.weight'. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: ParameterRole;
  /** Inputs feeding one output unit (dense: n_in; conv: in_ch·kh·kw). */
  readonly fanIn: number;
  /** Outputs fed by one input unit (dense: n_out; conv: out_ch·kh·kw). */
  readonly fanOut: number;
}

/** A declared parameter with its place in θ: θ[offset : offset + size]. */
export interface ParameterEntry extends ParameterDeclaration {
  readonly offset: number;
  readonly size: number;
}

/** The layout of θ: every parameter in order, and D, the length of θ. */
export interface ParameterSpec {
  readonly entries: readonly ParameterEntry[];
  /** D, the number of scalar parameters. */
  readonly size: number;
}

const product = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

function checkName(name: string, where: string): string[] {
  const parts = name.split('.');
  if (name === '' || parts.some((p) => p === '')) throw new Error(`${where}: invalid parameter name ${JSON.stringify(name)} (dotted path of non-empty parts)`);
  return parts;
}

/** Lays declarations out end to end: offsets, sizes and D. */
export function makeSpec(declarations: readonly ParameterDeclaration[]): ParameterSpec {
  const entries: ParameterEntry[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const d of declarations) {
    checkName(d.name, 'makeSpec');
    if (seen.has(d.name)) throw new Error(`makeSpec: two parameters are named ${JSON.stringify(d.name)}`);
    for (const prefix of seen) {
      if (prefix.startsWith(`${d.name}.`) || d.name.startsWith(`${prefix}.`)) {
        throw new Error(`makeSpec: ${JSON.stringify(d.name)} and ${JSON.stringify(prefix)} cannot both be parameters (one is inside the other)`);
      }
    }
    if (d.shape.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`makeSpec: ${d.name} has an invalid shape ${formatShape(d.shape)}`);
    seen.add(d.name);
    const size = product(d.shape);
    entries.push({ name: d.name, shape: [...d.shape], role: d.role, fanIn: d.fanIn, fanOut: d.fanOut, offset, size });
    offset += size;
  }
  return { entries, size: offset };
}

/**
 * The role and fans of a parameter from its shape alone, by this library's
 * conventions: rank 1 is a bias; a dense weight is [n_in, n_out]; a conv
 * weight is [out_ch, in_ch, kh, kw].
 */
export function inferDeclaration(name: string, shape: readonly number[]): ParameterDeclaration {
  if (shape.length <= 1) return { name, shape, role: 'bias', fanIn: 1, fanOut: shape[0] ?? 1 };
  if (shape.length === 2) return { name, shape, role: 'weight', fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = product(shape.slice(2));
  return { name, shape, role: 'weight', fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** Every leaf of a parameter tree as [dotted path, tensor], depth first in insertion order. */
export function parameterLeaves(params: Params, prefix = ''): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  for (const [key, value] of Object.entries(params)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value instanceof Tensor) out.push([path, value]);
    else out.push(...parameterLeaves(value, path));
  }
  return out;
}

/** The spec of an existing tree (order: depth first, insertion order; roles inferred by shape). */
export function specOf(params: Params): ParameterSpec {
  return makeSpec(parameterLeaves(params).map(([name, t]) => inferDeclaration(name, t.shape)));
}

/** D: the number of scalar parameters. */
export function parameterCount(of: ParameterSpec | Params): number {
  return isSpec(of) ? of.size : specOf(of).size;
}

function isSpec(x: ParameterSpec | Params): x is ParameterSpec {
  return !(x instanceof Tensor) && Array.isArray((x as { entries?: unknown }).entries) && typeof (x as { size?: unknown }).size === 'number';
}

/** The tensor at a dotted path, or a clear error. */
export function getParameter(params: Params, name: string): Tensor {
  let node: Tensor | Params = params;
  for (const part of checkName(name, 'getParameter')) {
    const next: Tensor | Params | undefined = node instanceof Tensor ? undefined : node[part];
    if (next === undefined) throw new Error(`getParameter: no parameter ${JSON.stringify(name)} (have: ${parameterLeaves(params).map(([n]) => n).join(', ') || 'none'})`);
    node = next;
  }
  if (!(node instanceof Tensor)) throw new Error(`getParameter: ${JSON.stringify(name)} is a subtree, not a parameter`);
  return node;
}

/**
 * θ: the parameters laid end to end as one 1-D float64 tensor, in the
 * order of `spec` (default: the tree's own order). Differentiable.
 */
export function flatten(params: Params, spec: ParameterSpec = specOf(params)): Tensor {
  const pieces = spec.entries.map((e) => {
    const t = getParameter(params, e.name);
    if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
      throw new Error(`flatten: ${e.name} has shape ${formatShape(t.shape)}, the spec says ${formatShape(e.shape)}`);
    }
    return reshape(t.dtype === 'float64' ? t : t.astype('float64'), [e.size]);
  });
  if (pieces.length === 0) return zeros([0]);
  return concatenate(pieces, 0);
}

/** The parameter tree whose flattening is θ: slices of θ, reshaped. Differentiable. */
export function unflatten(theta: Tensor, spec: ParameterSpec): Params {
  if (theta.rank !== 1 || theta.size !== spec.size) {
    throw new Error(`unflatten: θ must be a vector of the spec's ${spec.size} parameters, got shape ${formatShape(theta.shape)}`);
  }
  return treeFromLeaves(spec.entries.map((e) => [e.name, reshape(slice(theta, [e.offset], [e.offset + e.size]), e.shape)]));
}

/** A parameter tree from [dotted path, tensor] pairs: 'a.b' ↦ { a: { b } }. */
export function treeFromLeaves(leaves: readonly (readonly [string, Tensor])[]): Params {
  const root: Record<string, unknown> = {};
  for (const [name, t] of leaves) {
    const parts = checkName(name, 'treeFromLeaves');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part] ?? {};
      if (next instanceof Tensor) throw new Error(`treeFromLeaves: ${JSON.stringify(name)} lies inside the parameter ${JSON.stringify(part)}`);
      node[part] = next;
      node = next as Record<string, unknown>;
    }
    const last = parts[parts.length - 1]!;
    if (last in node) throw new Error(`treeFromLeaves: ${JSON.stringify(name)} is given twice or is also a subtree`);
    node[last] = t;
  }
  return root as Params;
}

/** One parameter as plain data, the form checkpoints store. */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float64Array;
}

/** θ cut into named arrays (copies), e.g. to save a checkpoint. */
export function toNamedArrays(theta: Tensor | Float64Array, spec: ParameterSpec): NamedArray[] {
  const values = theta instanceof Tensor ? Float64Array.from(theta.toTypedArray()) : theta;
  if (values.length !== spec.size) throw new Error(`toNamedArrays: θ has ${values.length} entries, the spec ${spec.size}`);
  return spec.entries.map((e) => ({ name: e.name, shape: [...e.shape], data: values.slice(e.offset, e.offset + e.size) }));
}

/** θ from named arrays (e.g. a loaded checkpoint); every parameter of the spec must be present with its shape. */
export function fromNamedArrays(arrays: readonly NamedArray[], spec: ParameterSpec): Tensor {
  const byName = new Map(arrays.map((a) => [a.name, a]));
  const theta = new Float64Array(spec.size);
  for (const e of spec.entries) {
    const a = byName.get(e.name);
    if (!a) throw new Error(`fromNamedArrays: parameter ${JSON.stringify(e.name)} is missing`);
    if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i]) || a.data.length !== e.size) {
      throw new Error(`fromNamedArrays: ${e.name} has shape ${formatShape(a.shape)}, the spec says ${formatShape(e.shape)}`);
    }
    theta.set(a.data, e.offset);
  }
  return fromTypedArray(theta, [spec.size]);
}

/** A table of the spec, one parameter a line: name, shape, role, size, offset. */
export function formatSpec(spec: ParameterSpec): string {
  const rows = spec.entries.map((e) => [e.name, formatShape(e.shape), e.role, e.size.toLocaleString('en-US'), `@${e.offset}`]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(0, ...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : c < 4 ? cell.padEnd(widths[c]!) : cell)).join('  '));
  lines.push(`D = ${spec.size.toLocaleString('en-US')}`);
  return lines.join('\n');
}
