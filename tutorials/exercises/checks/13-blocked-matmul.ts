/**
 * Checks for exercise 13: the cache-blocked matrix product of chapter 06,
 * against the definition C[i][j] = Σ_p A[i][p]·B[p][j] written out here,
 * for sizes that are and are not multiples of the tile.
 */
import { blockedMatmul } from '../../06-compute-kernels.js';
import { Random } from '../../../src/autodiff/index.js';
import { expectAllClose, expectEqualList, type ExerciseCheck } from '../check.js';

function byDefinition(a: Float64Array, b: Float64Array, size: number): number[] {
  const c: number[] = [];
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) {
    let s = 0;
    for (let p = 0; p < size; p++) s += a[i * size + p]! * b[p * size + j]!;
    c.push(s);
  }
  return c;
}

function randomSquare(size: number, rng: Random): Float64Array {
  return Float64Array.from({ length: size * size }, () => rng.normal());
}

export const checks: ExerciseCheck[] = [
  {
    name: 'a 2×2 product by hand',
    run: () => expectAllClose('[[1, 2], [3, 4]]·[[5, 6], [7, 8]]', blockedMatmul(Float64Array.from([1, 2, 3, 4]), Float64Array.from([5, 6, 7, 8]), 2), [19, 22, 43, 50]),
  },
  {
    name: 'sizes that are multiples of the tile (32 with tile 8, 64 with the default tile)',
    run: () => {
      const rng = new Random(1);
      for (const [size, tile] of [[32, 8], [64, 64]] as const) {
        const a = randomSquare(size, rng);
        const b = randomSquare(size, rng);
        expectAllClose(`${size}×${size} with tile ${tile}`, blockedMatmul(a, b, size, tile), byDefinition(a, b, size), 1e-12);
      }
    },
  },
  {
    name: 'sizes that are not (37 with tile 8, 70 with tile 64, 1 with tile 4)',
    run: () => {
      const rng = new Random(2);
      for (const [size, tile] of [[37, 8], [70, 64], [1, 4]] as const) {
        const a = randomSquare(size, rng);
        const b = randomSquare(size, rng);
        const c = blockedMatmul(a, b, size, tile);
        expectEqualList(`number of entries for size ${size}`, [c.length], [size * size]);
        expectAllClose(`${size}×${size} with tile ${tile}`, c, byDefinition(a, b, size), 1e-12);
      }
    },
  },
];
