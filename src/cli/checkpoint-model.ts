/**
 * A checkpoint knows its model: `train` and `track` save the model's
 * description (architecture, activation, biases, dtype and the parameter
 * layout) in the checkpoint's metadata, and a command that reads a checkpoint
 * (`train --from`, `spectrum --checkpoint`) refuses one whose parameters do
 * not have exactly the layout of the model it builds, naming both models.
 * (Matching by name alone would accept a 784-10-10-10 checkpoint for a
 * 784-10-10 model and silently drop a layer.) A checkpoint holding a NaN or
 * an infinity is refused too.
 *
 * A checkpoint of another dtype is converted, as PyTorch's load_state_dict
 * copies values into parameters of another dtype, and the conversion is
 * said on stderr: float32 values are exact in float64, and float64 values
 * are rounded to the nearest float32 (Math.fround) for a float32 run.
 */
import { fromNamedArrays, loadCheckpoint, type Model } from '../nn/index.js';
import { UserError } from './errors.js';

export interface ModelDescription {
  architecture: string;
  activation: string;
  bias: boolean;
  dtype: string;
  parameters: number;
  /** Every parameter as name:shape, in order (e.g. "dense0.weight:784x10"). */
  layout: string[];
}

export function describeModel(model: Model, options: { architecture: string; activation: string; bias: boolean; dtype: string }): ModelDescription {
  return {
    architecture: options.architecture, activation: options.activation, bias: options.bias, dtype: options.dtype,
    parameters: model.spec.size, layout: model.spec.entries.map((e) => `${e.name}:${e.shape.join('x')}`),
  };
}

export function describeModelText(d: Pick<ModelDescription, 'architecture' | 'activation' | 'bias' | 'parameters'> & { dtype?: string }): string {
  return `${d.architecture} (${d.activation}, ${d.bias ? 'with' : 'without'} biases${d.dtype ? `, ${d.dtype}` : ''}, ${d.parameters} parameters)`;
}

/** θ from the checkpoint at `path` (given with `flag`), which must hold exactly the parameters of `expected`'s model. */
export function loadCheckpointTheta(flag: string, path: string, model: Model, expected: ModelDescription): Float64Array {
  let checkpoint;
  try {
    checkpoint = loadCheckpoint(path);
  } catch (error) {
    throw new UserError(`${flag} ${path}: ${(error as Error).message}`);
  }
  const layout = checkpoint.params.map((p) => `${p.name}:${p.shape.join('x')}`);
  const meta = checkpoint.meta;
  const saved = (meta.modelDescription ?? null) as ModelDescription | null;
  const savedText = saved !== null
    ? describeModelText(saved)
    : describeModelText({
      architecture: typeof meta.model === 'string' ? meta.model : `a model with parameters ${layout.join(', ')}`,
      activation: typeof meta.activation === 'string' ? meta.activation : 'unknown activation',
      bias: meta.bias !== false,
      parameters: checkpoint.params.reduce((s, p) => s + p.data.length, 0),
    });
  const differs = layout.join(',') !== expected.layout.join(',')
    || (saved !== null && (saved.activation !== expected.activation || saved.bias !== expected.bias));
  if (differs) throw new UserError(`${flag} ${path} holds ${savedText}, which is not the model asked for: ${describeModelText(expected)}`);
  let theta = Float64Array.from(fromNamedArrays(checkpoint.params, model.spec).toTypedArray());
  const bad = theta.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new UserError(`${flag} ${path} holds a non-finite parameter (θ[${bad}] = ${theta[bad]}); it cannot be used`);
  const savedDtype = saved?.dtype;
  if (savedDtype !== undefined && savedDtype !== expected.dtype) {
    if (expected.dtype === 'float32') theta = theta.map(Math.fround);
    const how = expected.dtype === 'float32' ? 'rounded to the nearest float32 values' : `converted to ${expected.dtype} (exactly)`;
    process.stderr.write(`goldilocks: note: ${flag} ${path} was saved by a ${savedDtype} run; its parameters are ${how} for this ${expected.dtype} run\n`);
  }
  return theta;
}
