/**
 * Random subspaces (subspace.ts): what each construction promises, checked
 * where the answer is known without the code.
 *
 *   - Refusals: D and d must be positive integers (1 is allowed), a dense
 *     basis needs d ≤ D (d = D is an orthogonal matrix), and every product
 *     checks its vector's length; the messages name the function and values.
 *   - Dense: for d = D the columns are an orthonormal basis of ℝ^D, so
 *     P Pᵀ = I as well as PᵀP = I. For a uniformly random d-dimensional
 *     subspace, E[P Pᵀ] = (d/D)·I (the projection's expected diagonal).
 *   - Sparse: for small D an empty column is likely ((1 − 1/√D)^D ≈ 9 % at
 *     D = 2), and must be drawn again rather than normalised to 0/0; for
 *     D = 1 every column is (±1); signs are fair coins, so about half of
 *     the non-zeros are positive (a binomial count, checked within 5σ).
 *   - Fastfood: the Walsh–Hadamard transform refuses lengths that are not
 *     powers of two (0 included).
 *   - restrictedOperator needs an operator on ℝ^D.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  basisDirections,
  denseOrthonormalSubspace,
  fastfoodSubspace,
  fastWalshHadamard,
  restrictedOperator,
  sparseRandomSubspace,
  type RandomSubspace,
} from '../src/landscape/linalg/subspace.js';
import { denseOperator } from '../src/landscape/linalg/symmetric-eigen.js';

function throwsWith(f: () => unknown, message: string): void {
  assert.throws(f, (e: Error) => e.message === message, `expected the message "${message}"`);
}

const constructions = [
  ['denseOrthonormalSubspace', denseOrthonormalSubspace],
  ['sparseRandomSubspace', sparseRandomSubspace],
  ['fastfoodSubspace', fastfoodSubspace],
] as const;

test('every construction refuses D and d that are not positive integers, naming the function and the value; D = d = 1 is allowed', () => {
  for (const [name, make] of constructions) {
    for (const bad of [0, -1, 1.5, NaN]) {
      throwsWith(() => make(bad, 1, 0), `${name}: D must be a positive integer, got ${bad}`);
      throwsWith(() => make(4, bad, 0), `${name}: d must be a positive integer, got ${bad}`);
    }
    const one = make(1, 1, 0);
    assert.is(one.ambientDim, 1);
    assert.is(one.subspaceDim, 1);
    // a unit column in ℝ¹ is ±1
    assert.ok(Math.abs(Math.abs(one.project(Float64Array.of(1))[0]!) - 1) < 1e-15, `${name}: P = (±1)`);
  }
  assert.equal(constructions.map(([, make]) => make(3, 2, 0).kind), ['dense', 'sparse', 'fastfood']);
});

test('dense: d > D refused; d = D gives an orthogonal matrix (P Pᵀ = PᵀP = I)', () => {
  throwsWith(() => denseOrthonormalSubspace(3, 4), 'denseOrthonormalSubspace: d = 4 exceeds D = 3');
  const D = 5;
  const p = denseOrthonormalSubspace(D, D, 3).toDense();
  for (let a = 0; a < D; a++) {
    for (let b = 0; b < D; b++) {
      let columns = 0;
      let rows = 0;
      for (let i = 0; i < D; i++) {
        columns += p[i * D + a]! * p[i * D + b]!;
        rows += p[a * D + i]! * p[b * D + i]!;
      }
      assert.ok(Math.abs(columns - (a === b ? 1 : 0)) < 1e-15, `PᵀP[${a}][${b}] = ${columns}`);
      assert.ok(Math.abs(rows - (a === b ? 1 : 0)) < 1e-15, `PPᵀ[${a}][${b}] = ${rows}`);
    }
  }
});

test('dense: a uniformly random subspace, E[P Pᵀ] = (d/D)·I over seeds', () => {
  // D = 4, d = 2: each diagonal entry of P Pᵀ (a squared row length) is Beta(1, 1)-distributed, mean 1/2, sd 1/√12;
  // an off-diagonal entry has mean 0. Over 400 seeds the means are within 5 standard errors (5/√(12·400) ≈ 0.072).
  const D = 4;
  const d = 2;
  const seeds = 400;
  const mean = new Float64Array(D * D);
  for (let seed = 0; seed < seeds; seed++) {
    const p = denseOrthonormalSubspace(D, d, seed).toDense();
    for (let a = 0; a < D; a++) {
      for (let b = 0; b < D; b++) {
        let sum = 0;
        for (let j = 0; j < d; j++) sum += p[a * d + j]! * p[b * d + j]!;
        mean[a * D + b] = mean[a * D + b]! + sum / seeds;
      }
    }
  }
  for (let a = 0; a < D; a++) {
    for (let b = 0; b < D; b++) {
      assert.ok(Math.abs(mean[a * D + b]! - (a === b ? d / D : 0)) < 0.072, `E[PPᵀ][${a}][${b}] = ${mean[a * D + b]}`);
    }
  }
});

test('products check their vector\'s length, naming the construction and both lengths', () => {
  const cases: [string, RandomSubspace][] = [
    ['dense', denseOrthonormalSubspace(3, 2, 0)],
    ['sparse', sparseRandomSubspace(3, 2, 0)],
    ['fastfood', fastfoodSubspace(3, 2, 0)],
  ];
  for (const [kind, subspace] of cases) {
    throwsWith(() => subspace.project(new Float64Array(3)), `${kind} project: vector has length 3, expected 2`);
    throwsWith(() => subspace.projectTranspose(new Float64Array(2)), `${kind} projectTranspose: vector has length 2, expected 3`);
    assert.is(subspace.project(new Float64Array(2)).length, 3);
    assert.is(subspace.projectTranspose(new Float64Array(3)).length, 2);
  }
});

test('sparse: small D (empty columns drawn again): every column has unit length; D = 1 gives columns (±1)', () => {
  for (const D of [1, 2, 3, 4]) {
    const d = 40;
    const subspace = sparseRandomSubspace(D, d, 7);
    const columns = basisDirections(subspace);
    let stored = 0;
    columns.forEach((column, j) => {
      const nonzero = Array.from(column).filter((x) => x !== 0);
      stored += nonzero.length;
      assert.ok(nonzero.length >= 1, `D = ${D}: column ${j} is empty`);
      for (const x of nonzero) assert.is(Math.abs(x), 1 / Math.sqrt(nonzero.length), `D = ${D}: ±1/√nnz`);
    });
    assert.is(subspace.nonzeros, stored);
    if (D === 1) assert.is(stored, d);
  }
});

test('sparse: the signs are fair coins; each entry is non-zero with probability 1/√D', () => {
  // D = 400, d = 200: 4000 non-zeros expected (Binomial(80000, 1/20), sd ≈ 61.6); of them, about half positive
  const D = 400;
  const d = 200;
  const p = sparseRandomSubspace(D, d, 11).toDense();
  let positive = 0;
  let nonzero = 0;
  for (const x of p) {
    if (x !== 0) nonzero++;
    if (x > 0) positive++;
  }
  assert.ok(Math.abs(nonzero - 4000) < 5 * Math.sqrt(80000 * (1 / 20) * (19 / 20)), `non-zeros ${nonzero}`);
  assert.ok(Math.abs(positive - nonzero / 2) < 5 * Math.sqrt(nonzero / 4), `${positive} positive of ${nonzero}`);
});

test('fastWalshHadamard refuses lengths that are not powers of two, 0 included; length 1 is the identity', () => {
  for (const length of [0, 3, 6, 12]) throwsWith(() => fastWalshHadamard(new Float64Array(length)), `fastWalshHadamard: length ${length} is not a power of two`);
  assert.equal(Array.from(fastWalshHadamard(Float64Array.of(5))), [5]);
  assert.equal(Array.from(fastWalshHadamard(Float64Array.of(1, 2))), [3, -1]);
  // H₄ (Sylvester) times (1, 2, 3, 4): rows (1,1,1,1), (1,−1,1,−1), (1,1,−1,−1), (1,−1,−1,1)
  assert.equal(Array.from(fastWalshHadamard(Float64Array.of(1, 2, 3, 4))), [10, -2, -4, 0]);
});

test('Fastfood is H G Π H B with a random sign diagonal B: the rows of H·P are Walsh functions times one random sign pattern', () => {
  // D = L = d = 8, one block: P = s·H G Π H B, so H P = L s·G Π H B and row k of H P is L s g_k·(h_π(k) ⊙ b), with h_m
  // the m-th row of the (symmetric, Sylvester-ordered) Hadamard matrix. Divided by its first entry, row k is
  // h_π(k) ⊙ c with c = b·b₀: each row has entries of one magnitude, and the rows are the Walsh functions times
  // the common pattern c. Without B (b all +1 or all −1) c = (1, …, 1) and every row would be a Walsh function; with
  // a random B, c is itself a Walsh function with probability 8/2⁷ = 1/16, so over 8 seeds that happens rarely
  // (4 or more times with probability ≈ 0.001).
  const L = 8;
  const walsh = Array.from({ length: L }, (_, m) => Array.from(fastWalshHadamard(Float64Array.from({ length: L }, (_, i) => (i === m ? 1 : 0)))));
  const key = (v: number[]): string => v.join(',');
  const walshKeys = new Set(walsh.map(key));
  let cInWalsh = 0;
  for (let seed = 0; seed < 8; seed++) {
    const p = fastfoodSubspace(L, L, seed).toDense();
    const hp = Array.from({ length: L }, () => new Float64Array(L)); // hp[k][j] = (H P)_kj
    for (let j = 0; j < L; j++) {
      const column = fastWalshHadamard(Float64Array.from({ length: L }, (_, i) => p[i * L + j]!));
      for (let k = 0; k < L; k++) hp[k]![j] = column[k]!;
    }
    const patterns = hp.map((row) => Array.from(row, (x) => Math.sign(x) * Math.sign(row[0]!)));
    const largest = Math.max(...hp.map((row) => Math.abs(row[0]!)));
    hp.forEach((row, k) => row.forEach((x) => assert.ok(Math.abs(Math.abs(x) - Math.abs(row[0]!)) <= 1e-14 * largest, `seed ${seed}, row ${k}: ${Array.from(row)}`)));
    const c = patterns[0]!; // h_π(0) ⊙ c: the same coset of the Walsh functions as c
    // every row is a Walsh function times the same pattern
    const rows = new Set(patterns.map((row) => key(row.map((x, j) => x * c[j]!))));
    assert.equal([...rows].sort(), [...walshKeys].sort(), `seed ${seed}: the rows times c are the L Walsh functions`);
    if (walshKeys.has(key(c))) cInWalsh++;
  }
  assert.ok(cInWalsh <= 3, `c was a Walsh function for ${cInWalsh} of 8 seeds: B is not random`);
});

test('restrictedOperator: refuses an operator of another dimension; with P = [e₁ e₂] it is A\'s leading 2×2 block', () => {
  throwsWith(() => restrictedOperator(denseOperator([[1, 0], [0, 1]]), denseOrthonormalSubspace(3, 2, 0)), 'restrictedOperator: operator dim 2 ≠ D = 3');
  // P = the first two columns of the 3×3 identity
  const P: RandomSubspace = {
    kind: 'dense',
    ambientDim: 3,
    subspaceDim: 2,
    project: (w) => Float64Array.of(w[0]!, w[1]!, 0),
    projectTranspose: (g) => Float64Array.of(g[0]!, g[1]!),
    toDense: () => Float64Array.of(1, 0, 0, 1, 0, 0),
  };
  const restricted = restrictedOperator(denseOperator([[2, 1, 5], [1, 3, 7], [5, 7, 11]]), P);
  assert.is(restricted.dim, 2);
  assert.equal(Array.from(restricted.apply(Float64Array.of(1, 0))), [2, 1]);
  assert.equal(Array.from(restricted.apply(Float64Array.of(0, 1))), [1, 3]);
});

test.run();
