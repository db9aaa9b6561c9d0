/**
 * The engine playground: type a function of one tensor, give a point x and a
 * direction v, and see f(x), ∇f(x), the Hessian-vector product H·v (exact,
 * forward-over-reverse), and the programs that makeJaxpr records for f and
 * for grad(f). Everything the engine exports is in scope in the function's
 * text (tensor, exp, sum, …, as functions; or as methods: x.exp().sum()).
 */
import * as engine from '../src/autodiff/index.js';
import { getBackend, grad, hvp, makeJaxpr, tensor, type Tensor } from '../src/autodiff/index.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const code = $<HTMLTextAreaElement>('code');
const xInput = $<HTMLInputElement>('x');
const vInput = $<HTMLInputElement>('v');

const names = Object.keys(engine).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));

/** The user's function, with every export of the engine in scope. */
function compile(source: string): (x: Tensor) => Tensor {
  const make = new Function(...names, `"use strict"; return (${source});`) as (...values: unknown[]) => unknown;
  const f = make(...names.map((name) => (engine as Record<string, unknown>)[name]));
  if (typeof f !== 'function') throw new Error('the text must be a function, e.g. (x) => x.pow(3).sum()');
  return f as (x: Tensor) => Tensor;
}

function parseVector(text: string, what: string): Tensor {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    throw new Error(`${what} must be a JSON array of numbers, e.g. [1, 2, 3]`);
  }
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'number')) throw new Error(`${what} must be a non-empty array of numbers`);
  return tensor(values as number[]);
}

const show = (id: string, text: string): void => {
  $(id).textContent = text;
};

function run(): void {
  show('error', '');
  for (const id of ['value', 'gradient', 'hvp', 'jaxpr-f', 'jaxpr-grad']) show(id, '');
  try {
    const f = compile(code.value);
    const x = parseVector(xInput.value, 'x');
    const v = parseVector(vInput.value, 'v');
    if (v.size !== x.size) throw new Error(`v has ${v.size} entries and x has ${x.size}`);
    const value = f(x);
    if (value.shape.length !== 0) throw new Error(`f must return a scalar (shape []), got shape [${value.shape.join(', ')}]`);
    show('value', JSON.stringify(value.toArray()));
    show('gradient', JSON.stringify(grad(f)(x).toArray()));
    show('hvp', JSON.stringify(hvp(f, x, v).toArray()));
    show('jaxpr-f', makeJaxpr(f)(x).toString());
    show('jaxpr-grad', makeJaxpr(grad(f))(x).toString());
  } catch (error) {
    show('error', (error as Error).message);
  }
  show('backend', getBackend().describe());
}

$('run').addEventListener('click', run);
code.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) run();
});
run();
