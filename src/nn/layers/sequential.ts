/**
 * Sequential: layers applied one after another, f = f_k ∘ … ∘ f₂ ∘ f₁.
 *
 * The parameters are a tree with one subtree per layer that has parameters,
 * under the layer's name ('0', '1', … by default, or names given):
 *
 *   sequential([dense(2, 16), activation('tanh'), dense(16, 3)])
 *   → { '0': { weight, bias }, '2': { weight, bias } }   paths '0.weight', …
 *
 * so θ = (θ₁, θ₂, …) in layer order. The network is homogeneous when every
 * layer is, with degree L = the total number of weight layers.
 */
import { Tensor, type Random } from '../../autodiff/index.js';
import { initParams, type InitName } from '../init.js';
import { makeSpec, type Params } from '../parameters.js';
import type { Layer } from './layer.js';

export interface SequentialLayer extends Layer {
  /** The layers, in order, with the names their parameters live under. */
  readonly layers: readonly { readonly name: string; readonly layer: Layer }[];
  /** describe() of each layer with its name and output shape, for an input sample shape. */
  summary(inputShape: readonly number[]): { name: string; description: string; outputShape: number[]; parameters: number }[];
}

export function sequential(layers: readonly Layer[], names?: readonly string[]): SequentialLayer {
  if (names && names.length !== layers.length) throw new Error(`sequential: ${layers.length} layers but ${names.length} names`);
  const named = layers.map((layer, i) => ({ name: names?.[i] ?? String(i), layer }));
  const seen = new Set<string>();
  for (const { name } of named) {
    if (name === '' || name.includes('.')) throw new Error(`sequential: layer name ${JSON.stringify(name)} must be non-empty and contain no '.'`);
    if (seen.has(name)) throw new Error(`sequential: two layers are named ${JSON.stringify(name)}`);
    seen.add(name);
  }
  const spec = makeSpec(named.flatMap(({ name, layer }) => layer.spec.entries.map((e) => ({ ...e, name: `${name}.${e.name}` }))));

  return {
    kind: 'sequential',
    spec,
    layers: named,
    weightLayers: layers.reduce((s, l) => s + l.weightLayers, 0),
    homogeneous: layers.every((l) => l.homogeneous),
    init: (rng: Random, init?: InitName, alpha?: number) => initParams(spec, rng, init, alpha),
    apply(params: Params, x: Tensor): Tensor {
      let h = x;
      for (const { name, layer } of named) {
        const sub = params[name];
        if (sub instanceof Tensor) throw new Error(`sequential: the parameters of layer ${JSON.stringify(name)} must be a subtree, not a tensor`);
        if (sub === undefined && layer.spec.entries.length > 0) throw new Error(`sequential: no parameters for layer ${JSON.stringify(name)} (${layer.describe()})`);
        h = layer.apply(sub ?? {}, h);
      }
      return h;
    },
    outputShape(inputShape) {
      return named.reduce<number[]>((shape, { layer }) => layer.outputShape(shape), [...inputShape]);
    },
    summary(inputShape) {
      let shape = [...inputShape];
      return named.map(({ name, layer }) => {
        shape = layer.outputShape(shape);
        return { name, description: layer.describe(), outputShape: shape, parameters: layer.spec.size };
      });
    },
    describe: () => `sequential(${named.map(({ layer }) => layer.describe()).join(', ')})`,
  };
}
