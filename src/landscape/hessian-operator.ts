/**
 * A loss's Hessian as a linear operator on plain vectors: v ↦ H(θ)·v, each
 * product one exact Hessian-vector product (forward-over-reverse). This is
 * the bridge between the autodiff engine and the matrix-free algorithms in
 * linalg/ (Lanczos, Hutchinson, MINRES-QLP), which never see H itself.
 *
 * Only the first product does the forward and backward pass at θ. It is
 * traced into a program (makeJaxprWithValue) whose input is the direction v:
 * everything that depends on θ alone (activations, the gradient's
 * intermediates, ReLU masks) is computed while tracing and kept in the
 * program as constants, so the program holds only the work that depends on
 * v, the tangent half of forward-over-reverse. Every later product runs that
 * program, which also reuses its intermediates' memory from one run to the
 * next (evalJaxpr). The numbers are those of `hvp`, bit for bit: the program
 * binds the same primitives on the same values. (This assumes, as every loss
 * here does, that the loss's code does not branch on the values of v: a
 * branch would be fixed when traced.)
 *
 * Several products at once (`applyMany`) run the program once per vector,
 * or, with `blockSize` > 1, a vmap of it over blocks of vectors; the results
 * are the same numbers either way.
 *
 * The pass at θ computes the gradient ∇L(θ) on the way (forward-over-reverse
 * is jvp of grad, whose primal output is the gradient), so the operator
 * hands it out too (`gradient()`): a caller that wants both the gradient and
 * products pays for one backward pass at θ, not two.
 */
import { evalJaxpr, grad, jvp, makeJaxprWithValue, vmap, type Jaxpr, type Tensor } from '../autodiff/index.js';
import { toFloat64, toTensor, type Vector } from '../nn/index.js';
import { splitVectors, stackVectors } from './linalg/vector.js';
import { countedOperator, type CountedOperator } from './linalg/operator.js';

export type LossOfTheta = (theta: Tensor) => Tensor;

/**
 * How many Hessian-vector products applyMany computes in one batched pass
 * by default. Once the pass at θ is shared through the tangent program, a
 * vmap over a block does the same products, only wider, with arrays the
 * block's size times larger, and it cost 1.1–1.9 times as much per vector
 * as the program run once per vector; so the default is 1, chosen by
 * measurement (bench/vmap.ts; docs/results.md, "Settings chosen by
 * measurement").
 */
export const HVP_BLOCK_SIZE = 1;

/**
 * The Hessian of `loss` at θ as an operator; each apply is one HVP, applyMany
 * one per vector or in blocks of `blockSize` (default HVP_BLOCK_SIZE). θ may
 * be a Float64Array or a tensor (what `model.init` returns); it is copied.
 */
export function hessianOperator(loss: LossOfTheta, theta: Vector, { blockSize = HVP_BLOCK_SIZE }: { blockSize?: number } = {}): HessianOperator {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new Error(`hessianOperator: blockSize must be a positive integer, got ${blockSize}`);
  const at = toTensor(Float64Array.from(toFloat64(theta)));
  const D = at.size;
  /** HVP(v) and, as a constant output, ∇L(θ): traced at the first product. */
  let tangentProgram: Jaxpr<Tensor[]> | undefined;
  let gradient: Float64Array | undefined;
  /** Programs of a vmap of the tangent program, by the number of vectors. */
  const blockPrograms = new Map<number, Jaxpr<Tensor>>();
  const applyOne = (values: Float64Array): Float64Array => {
    // v shares the caller's array: neither the tracing nor the program keeps its input
    const v = toTensor(values);
    if (tangentProgram !== undefined) return toFloat64(tangentProgram.call(v)[1]!);
    // hvp(loss, θ, u) is this jvp's tangent output; its primal output is ∇L(θ)
    const { jaxpr, value } = makeJaxprWithValue((u: Tensor) => jvp(grad(loss), [at], [u]))(v);
    tangentProgram = jaxpr;
    gradient ??= toFloat64(value[0]!);
    return toFloat64(value[1]!);
  };
  const applyBlock = (block: readonly Float64Array[]): Float64Array[] => {
    if (block.length === 1) return [applyOne(block[0]!)];
    if (tangentProgram === undefined) applyOne(block[0]!);
    const V = toTensor(stackVectors(block), [block.length, D]);
    const program = blockPrograms.get(block.length);
    if (program !== undefined) return splitVectors(toFloat64(program.call(V)), block.length);
    const single = tangentProgram!;
    const { jaxpr, value } = makeJaxprWithValue(vmap((u: Tensor) => evalJaxpr(single, u)[1]!))(V);
    blockPrograms.set(block.length, jaxpr);
    return splitVectors(toFloat64(value), block.length);
  };
  const applyMany = (vs: readonly Float64Array[]): Float64Array[] => {
    const out: Float64Array[] = [];
    for (let start = 0; start < vs.length; start += blockSize) out.push(...applyBlock(vs.slice(start, start + blockSize)));
    return out;
  };
  const products = countedOperator(D, applyOne, applyMany);
  return {
    ...products,
    gradient: (): Float64Array => (gradient ??= gradientAt(loss, at)).slice(),
  };
}

/** The Hessian at θ as an operator, with the gradient at θ that its pass at θ computes. */
export type HessianOperator = CountedOperator & {
  /**
   * ∇L(θ), a new array each call: from the pass at θ if a product has run
   * (the same numbers as gradientAt), else computed by gradientAt and kept.
   */
  gradient(): Float64Array;
};

/** ∇loss(θ) as a Float64Array (θ a Float64Array or a tensor). */
export function gradientAt(loss: LossOfTheta, theta: Vector): Float64Array {
  const values = toFloat64(theta);
  return toFloat64(grad(loss)(toTensor(values)));
}
