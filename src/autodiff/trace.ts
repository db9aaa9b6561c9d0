/**
 * The interpreter stack: how one call such as `x.mul(y)` reaches the right
 * interpreter.
 *
 * Every transformation (jvp, vjp and so grad) runs the user's function with
 * tracers of a new trace, one level above any trace already running. `bind`
 * looks at a primitive's inputs: if none is a tracer, it evaluates the
 * primitive on numbers (the evaluator eval.ts installs as level 0). Otherwise the tracer with the highest level
 * wins; inputs from lower levels are lifted into its trace as constants, and
 * that trace processes the primitive. Its rules call ops again on the wrapped
 * (lower-level) values, so the call descends the stack level by level until it
 * reaches numbers.
 *
 * Levels are what keep nested derivatives apart: in
 * d/dx [x · d/dy (x + y)], the inner derivative's trace is one level higher,
 * so `x` is a constant to it and no tangent of x leaks into d/dy
 * ("perturbation confusion").
 */
import { ConcreteTensor, Tensor, Tracer, type Trace } from './tensor.js';
import type { Primitive, PrimitiveParams } from './primitives.js';

/** Evaluates a primitive on numbers: the interpreter at the bottom of the stack. */
export type Evaluator = <P extends Primitive>(prim: P, inputs: ConcreteTensor[], params: PrimitiveParams[P]) => ConcreteTensor;

let evaluate: Evaluator | null = null;

/**
 * Installs the level-0 interpreter. eval.ts calls this when it is loaded, so
 * this file needs no import of it (and the engine's imports go one way).
 */
export function setEvaluator(evaluator: Evaluator): void {
  evaluate = evaluator;
}

let depth = 0;

/** Runs `body` with a fresh level one above every running transformation. */
export function withNewLevel<T>(body: (level: number) => T): T {
  depth += 1;
  try {
    return body(depth);
  } finally {
    depth -= 1;
  }
}

/** Applies a primitive to its inputs at the right interpreter. */
export function bind<P extends Primitive>(prim: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor {
  let top: Tracer | null = null;
  for (const x of inputs) {
    if (x instanceof Tracer && (top === null || x.level > top.level)) top = x;
  }
  if (top === null) {
    if (evaluate === null) throw new Error(`${prim}: no evaluator is installed; import the engine through src/autodiff/index.ts`);
    return evaluate(prim, inputs as ConcreteTensor[], params);
  }
  const trace: Trace = top.trace;
  const tracers = inputs.map((x) => {
    if (x instanceof Tracer && x.level === trace.level) {
      if (x.trace !== trace) throw new Error(`${prim}: a tracer from a ${x.trace.kind} transformation that has already returned was used; values computed inside grad/jvp/vjp must not escape them`);
      return x;
    }
    return trace.lift(x);
  });
  return trace.process(prim, tracers, params);
}
