/**
 * Summaries of a (restricted) Hessian's eigenvalues λ₁ … λ_d, the quantities
 * of Fort & Scherlis and Vysogorets et al.:
 *
 *   Tr(H)/‖H‖_F = Σλ / √(Σλ²) ∈ [−√d, √d]: √d when every eigenvalue is the
 *   same positive number, near 0 for a symmetric random (GOE-like) matrix,
 *   whose value has standard deviation ≈ √(2/(d+1)) (Tr ~ N(0, 2dσ²),
 *   ‖H‖_F² ≈ d(d+1)σ²);
 *   the fraction of positive eigenvalues (≈ ½ for a random matrix);
 *   the extreme eigenvalues.
 */

export interface CurvatureSummary {
  trace: number;
  frobeniusNorm: number;
  traceOverNorm: number;
  positiveFraction: number;
  minEigenvalue: number;
  maxEigenvalue: number;
}

export function summarizeEigenvalues(eigenvalues: ArrayLike<number>): CurvatureSummary {
  const n = eigenvalues.length;
  if (n === 0) throw new Error('summarizeEigenvalues: no eigenvalues');
  let trace = 0;
  let squares = 0;
  let positive = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const l = eigenvalues[i]!;
    if (!Number.isFinite(l)) throw new Error(`summarizeEigenvalues: eigenvalue ${i} is ${l}; the Hessian is not finite here`);
    trace += l;
    squares += l * l;
    if (l > 0) positive += 1;
    min = Math.min(min, l);
    max = Math.max(max, l);
  }
  const frobeniusNorm = Math.sqrt(squares);
  return {
    trace,
    frobeniusNorm,
    traceOverNorm: frobeniusNorm === 0 ? 0 : trace / frobeniusNorm,
    positiveFraction: positive / n,
    minEigenvalue: min,
    maxEigenvalue: max,
  };
}

/** The standard deviation of Tr/‖·‖_F for a d×d GOE matrix, the "no excess curvature" reference: √(2/(d+1)). */
export function randomMatrixTraceOverNormStd(d: number): number {
  return Math.sqrt(2 / (d + 1));
}
