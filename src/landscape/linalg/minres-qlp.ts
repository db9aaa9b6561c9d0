/**
 * MINRES-QLP: symmetric linear systems A x = b that may be indefinite,
 * singular, even inconsistent — using only products A·v.
 *
 * Reference: S.-C. T. Choi, C. C. Paige & M. A. Saunders, "MINRES-QLP: a
 * Krylov subspace method for indefinite or singular symmetric systems",
 * SIAM J. Sci. Comput. 33(4):1810–1836, 2011 (arXiv 1003.4042); and Choi &
 * Saunders, ACM TOMS Algorithm 937 (2014). Newton-MR (Roosta et al.) and the
 * gradient-flatness diagnostics of Frye et al. (2021) are built on it: the
 * Newton step solves H p = −g, with H a possibly singular Hessian.
 *
 * The method in four layers (k = iteration, all matrices grow by one column
 * per iteration and only their last few entries change):
 *
 *  1. Lanczos on (A, b): β₁ = ‖b‖, v₁ = b/β₁, and A V_k = V_{k+1} T_{k+1,k},
 *     T tridiagonal (see lanczos.ts; here the plain three-term recurrence).
 *     With x = V_k y, the residual is b − A x = V_{k+1}(β₁e₁ − T_{k+1,k} y).
 *
 *  2. QR ("left reflections"): Q_k T_{k+1,k} = [R_k; 0], R_k upper
 *     triangular with three bands (γ on the diagonal, δ above it, ε above
 *     that). Q_k is a product of 2×2 reflectors Q_{j,j+1} = [c s; s −c], each
 *     chosen to annihilate one β_{j+1}. Applying them to β₁e₁ gives
 *     t_k = (τ₁ … τ_k) and a last entry φ_k with |φ_k| = ‖b − A x_k‖.
 *     MINRES stops here: y = R_k⁻¹ t_k minimises ‖b − A V_k y‖. But when A is
 *     singular, R_k becomes (nearly) singular, and MINRES returns a
 *     least-squares solution that is not the one of minimum length — or
 *     blows up in rounding.
 *
 *  3. LQ ("right reflections"), the QLP part: R_k P_k = L_k, lower triangular
 *     with three bands, P_k again a product of 2×2 reflectors: at step k,
 *     P_{k−2,k} annihilates ε_k and P_{k−1,k} annihilates the entry that
 *     appears in row k−1. Then x_k = W_k u_k with W_k = V_k P_k (orthonormal
 *     columns) and L_k u_k = t_k, so ‖x_k‖ = ‖u_k‖. Each step only changes
 *     the last three diagonals of L (μ_{k−2} final, μ̊_{k−1} = "twice
 *     refined", μ̄_k = "first draft"), the last three components of u and the
 *     last three columns of W. L reveals rank much better than R: when A is
 *     singular its last diagonal μ̄_k goes to zero, and MINRES-QLP simply
 *     leaves out that component (u_k := 0). Dropping the direction along which
 *     A is (numerically) zero is what makes the result the minimum-length
 *     solution — A⁺b for singular consistent and inconsistent systems.
 *
 *  4. Bookkeeping: estimates of ‖A‖ (largest column of T and diagonal of L
 *     seen so far), κ(A) (‖A‖ / smallest |diagonal of L|), ‖x‖ = ‖u‖,
 *     ‖r_k‖ = |φ_k| and ‖A r_{k−1}‖ = |φ_{k−1}|·‖(γ̄_k, δ̄_{k+1})‖, from which
 *     the two relative residuals the stopping tests (and Frye et al.) use:
 *
 *         relres  = ‖r‖ / (‖A‖‖x‖ + ‖b‖)          (small ⇒ x solves A x = b)
 *         relAres = ‖A r‖ / (‖A‖ ‖r‖)             (small ⇒ x is a least-squares solution)
 *
 * The MINRES/QLP switch. While A looks well conditioned (κ estimate below
 * `trancond`) the cheaper MINRES update x_k = x_{k−1} + τ_k d_k, with
 * D_k = V_k R_k⁻¹, is used; it gives the same iterates in exact arithmetic.
 * On the first iteration where κ ≥ trancond we rebuild the QLP directions
 * from the MINRES ones (W = V P = D R P = D L) and continue with QLP updates.
 * trancond = 1 means QLP from the start; trancond = Infinity, MINRES until a
 * (numerically) singular R forces the switch.
 *
 * Where this differs from the published Matlab/Fortran code, on purpose:
 *
 *  - "Numerically zero" μ̄_k. In floating point the last diagonal of an
 *    inconsistent system never reaches 0: it falls to about ‖A‖·relAres,
 *    after which the (not reorthogonalised) Lanczos vectors lose
 *    orthogonality and later iterates degrade. So when the run stops on the
 *    least-squares test (flags 2, 4) or on acondlim (flag 7) and
 *    |μ̄_k| ≤ ‖A‖·max(rtol, 1/acondlim), u_k is dropped as well — acondlim
 *    acts as the numerical-rank threshold. With the defaults an inconsistent
 *    system gets A⁺b to about 1e-6 relative; acondlim = 1e8…1e9 gives ~1e-9.
 *  - Iteration counts are not "rolled back" on flags 2, 4, 6, 7, and the
 *    returned relres / relAres / rnorm are recomputed from the true residual
 *    b − A x at the end (two extra products), not taken from the recurrences.
 *  - maxit defaults to 4n: n steps suffice in exact arithmetic, not in rounding.
 *
 * Defaults follow Frye et al.'s Newton-MR settings (papers.md §3.2): rtol
 * 1e-10 (autocrit's default; they use 5e-4 for networks), maxxnorm 1e4,
 * acondlim 1e7, trancond 1e4.
 */
import { axpy, dot, norm, scale, type LinearOperator } from './vector.js';

/** The smallest normal double, 2⁻¹⁰²²: a diagonal below it counts as exactly zero. */
const MIN_NORMAL = 2 ** -1022;

export interface MinresQlpOptions {
  /** Stop when relres ≤ rtol or relAres ≤ rtol. Default 1e-10. */
  rtol?: number;
  /** Most iterations (operator applications). Default 4n (in exact arithmetic n suffice; rounding can delay convergence). */
  maxit?: number;
  /** Upper bound on ‖x‖; a component that would exceed it is dropped and the run stops. Default 1e4. */
  maxxnorm?: number;
  /** Stop when the κ(A) estimate reaches this. Default 1e7. */
  acondlim?: number;
  /** Switch from MINRES to QLP updates when the κ(A) estimate reaches this. Default 1e4. */
  trancond?: number;
  /** Solve (A − shift·I) x = b instead (e.g. shift = −γ for a damped Newton step). Default 0. */
  shift?: number;
}

/**
 * Why the solver stopped (numbering as in Choi's MINRES-QLP):
 * -1 b is an eigenvector (β₂ = 0); 0 x = 0 is the answer (b = 0, or A b = 0 at step 1);
 * 1 relres ≤ rtol (x solves A x = b); 2 relAres ≤ rtol (least-squares solution);
 * 3, 4 the same to machine precision; 5 x has converged to an eigenvector (‖A‖‖x‖ε ≥ ‖b‖);
 * 6 ‖x‖ reached maxxnorm (or overflowed); 7 κ(A) estimate reached acondlim; 8 maxit reached;
 * 9 the system looks exactly singular (μ̄_k = 0) and the component was dropped.
 */
export type MinresQlpFlag = -1 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

const REASONS: Record<MinresQlpFlag, string> = {
  [-1]: 'b is an eigenvector of A: x = b / α₁',
  0: 'x = 0 is the solution (b = 0, or A b = 0 so 0 is the minimum-length least-squares solution)',
  1: 'a solution of A x = b was found to tolerance rtol (relres ≤ rtol)',
  2: 'a (minimum-length) least-squares solution was found to tolerance rtol (relAres ≤ rtol)',
  3: 'a solution of A x = b was found to machine precision',
  4: 'a least-squares solution was found to machine precision',
  5: 'x has converged to an eigenvector of A (‖A‖‖x‖ε ≥ ‖b‖)',
  6: '‖x‖ reached maxxnorm',
  7: 'the estimate of cond(A) reached acondlim (directions with |μ̄| ≤ ‖A‖/acondlim are treated as null)',
  8: 'maxit iterations were performed before convergence',
  9: 'the system appears exactly singular; the null-space component was dropped',
};

export interface MinresQlpResult {
  x: Float64Array;
  flag: MinresQlpFlag;
  reason: string;
  /** Total iterations (= operator applications inside the loop). */
  iterations: number;
  /** Iterations that used the MINRES update / the QLP update. */
  minresIterations: number;
  qlpIterations: number;
  /** ‖b − A x‖ / (‖A‖‖x‖ + ‖b‖), from the true residual (Frye et al.'s r). */
  relres: number;
  /** ‖A (b − A x)‖ / (‖A‖ ‖b − A x‖), from the true residual (Frye et al.'s r_H; 0 if r = 0). */
  relAres: number;
  /** Running estimate of ‖A‖₂ (a lower bound: largest column of T / diagonal of L seen). */
  anorm: number;
  /** Running estimate of cond(A) = ‖A‖ / smallest |diagonal of L|. */
  acond: number;
  /** ‖x‖. */
  xnorm: number;
  /** ‖b − A x‖ and ‖A (b − A x)‖, true values. */
  rnorm: number;
  arnorm: number;
}

/**
 * The 2×2 reflector that maps (a, b) to (r, 0): [c s; s −c]·[a; b] = [r; 0],
 * r = √(a² + b²) ≥ 0 (Choi's SymOrtho, written to avoid overflow).
 */
export function symOrtho(a: number, b: number): { c: number; s: number; r: number } {
  if (b === 0) return { c: a === 0 ? 1 : Math.sign(a), s: 0, r: Math.abs(a) };
  if (a === 0) return { c: 0, s: Math.sign(b), r: Math.abs(b) };
  if (Math.abs(b) > Math.abs(a)) {
    const t = a / b;
    const s = Math.sign(b) / Math.sqrt(1 + t * t);
    return { c: s * t, s, r: b / s };
  }
  const t = b / a;
  const c = Math.sign(a) / Math.sqrt(1 + t * t);
  return { c, s: c * t, r: a / c };
}

/** The solver's settings, defaults filled in. */
interface MinresQlpSettings {
  rtol: number;
  maxit: number;
  maxxnorm: number;
  acondlim: number;
  trancond: number;
  /** v ↦ (A − shift·I) v. */
  applyA: (v: Float64Array) => Float64Array;
}

function resolveSettings(op: LinearOperator, b: Float64Array, options: MinresQlpOptions): MinresQlpSettings {
  const n = op.dim;
  if (b.length !== n) throw new Error(`minresQlp: b has length ${b.length}, operator dim ${n}`);
  const maxit = options.maxit ?? 4 * n;
  if (!Number.isInteger(maxit) || maxit < 1) throw new Error(`minresQlp: maxit must be a positive integer, got ${maxit}`);
  const shift = options.shift ?? 0;
  return {
    rtol: options.rtol ?? 1e-10,
    maxit,
    maxxnorm: options.maxxnorm ?? 1e4,
    acondlim: options.acondlim ?? 1e7,
    trancond: options.trancond ?? 1e4,
    applyA: (v: Float64Array): Float64Array => (shift === 0 ? op.apply(v) : axpy(-shift, v, op.apply(v))),
  };
}

/** What one Lanczos step (phase 1) produces. */
interface LanczosStep {
  /** β_k as an entry of T (0 at k = 1: β₁ = ‖b‖ is not in T). */
  betaInT: number;
  alpha: number;
  betaNext: number;
  /** β_{k+1} v_{k+1}, unnormalised. */
  z: Float64Array;
  /** ‖T_{k+1,k} e_k‖ ≤ ‖A‖. */
  columnNormOfT: number;
}

/** What the left reflections (phase 2) produce: column k of R_k and the new reflector. */
interface LeftStep {
  epsilonK: number;
  deltaK: number;
  gammaK: number;
  /** ‖A r_{k−1}‖ / ‖r_{k−1}‖. */
  relAresPrevious: number;
  c: number;
  s: number;
  /** φ_k, with |φ_k| = ‖r_k‖. */
  phiK: number;
}

/** The right reflectors P_{k−2,k} (cp, sp) and P_{k−1,k} (cd, sd) of phase 3, and L's entries from step k − 1 that a MINRES → QLP switch needs. */
interface RightStep {
  cp: number;
  sp: number;
  cd: number;
  sd: number;
  previousDiagKm2: number;
  previousSubKm2: number;
  previousDiagKm1: number;
  previousUKm2: number;
  previousUKm1: number;
}

/** The solution's coefficients u after phase 4. */
interface SolveStep {
  /** Why u_k was left out (null: it was not). */
  dropped: 'singular' | 'maxxnorm' | null;
  /** μ̄_k, the last diagonal of L_k. */
  muBarK: number;
  xnorm: number;
}

/**
 * The state of a MINRES-QLP run between iterations: the Lanczos vectors, the
 * last reflectors, the growing bands of L and the coefficients u (scalar
 * sequences indexed 1…k like the paper; index 0 and below read as 0), the
 * MINRES or QLP directions, and the iterate x. `iterate()` is one iteration,
 * in the phases of the header: Lanczos step, left reflections, right
 * reflections, forward substitution, estimates, solution update, stopping
 * tests.
 */
class MinresQlpRun {
  x: Float64Array;
  readonly beta1: number;
  anorm = 0;
  acond = 1;
  flag: MinresQlpFlag | null = null;
  iterations = 0;
  minresIterations = 0;
  qlpIterations = 0;

  private readonly tau: Float64Array; // τ_j: first k entries of Q_k β₁e₁
  private readonly lowerDiag: Float64Array; // L_{j,j}: μ̄_j, then μ̊_j, then final μ_j
  private readonly lowerSub: Float64Array; // L_{j+1,j}: ψ̄_j, then final ψ_j
  private readonly lowerSubSub: Float64Array; // L_{j+2,j}: ρ_j (final when set)
  private readonly u: Float64Array; // L_k u = t_k

  // Lanczos state: v = v_k, vPrevious = v_{k−1}, betaK = β_k (β₁ = ‖b‖).
  private vPrevious: Float64Array;
  private v: Float64Array;
  private betaK: number;
  // Left reflectors Q_{k−2,k−1} and Q_{k−1,k}; c = −1, s = 0 before they exist (so γ̄₁ = α₁).
  private cPrevious2 = -1;
  private sPrevious2 = 0;
  private cPrevious = -1;
  private sPrevious = 0;
  private phi: number; // φ_{k−1}, with |φ| = ‖r_{k−1}‖
  private smallestFinalDiag = Infinity; // running minimum of the final diagonal entries μ_j of L (for κ(A))
  private finalXnormSquared = 0; // Σ_{j ≤ k−2} u_j²
  // MINRES directions d_{k−1}, d_{k−2} and QLP directions ẘ_{k−1}, w̄_k, plus x's finished part.
  private dPrevious: Float64Array;
  private dPrevious2: Float64Array;
  private wBis: Float64Array;
  private wBar: Float64Array;
  private xFinished: Float64Array; // Σ_{j ≤ k−2} u_j w_j
  private qlpMode = false;

  constructor(
    private readonly settings: MinresQlpSettings,
    private readonly b: Float64Array,
  ) {
    const n = b.length;
    this.x = new Float64Array(n);
    this.beta1 = norm(b);
    if (this.beta1 === 0) this.flag = 0;
    const size = settings.maxit + 1;
    this.tau = new Float64Array(size);
    this.lowerDiag = new Float64Array(size);
    this.lowerSub = new Float64Array(size);
    this.lowerSubSub = new Float64Array(size);
    this.u = new Float64Array(size);
    this.vPrevious = new Float64Array(n);
    this.v = this.flag === null ? scale(1 / this.beta1, Float64Array.from(b)) : new Float64Array(n);
    this.betaK = this.beta1;
    this.phi = this.beta1;
    this.dPrevious = new Float64Array(n);
    this.dPrevious2 = new Float64Array(n);
    this.wBis = new Float64Array(n);
    this.wBar = new Float64Array(n);
    this.xFinished = new Float64Array(n);
  }

  /** Entry j of a scalar sequence, 0 for j ≤ 0. */
  private static at(sequence: Float64Array, j: number): number {
    return j >= 1 ? sequence[j]! : 0;
  }

  /** Iteration k (1, 2, …). Sets `flag` when the run should stop. */
  iterate(k: number): void {
    this.iterations = k;
    const lanczos = this.lanczosStep(k);
    if (lanczos === null) return;
    const left = this.leftReflections(k, lanczos);
    const right = this.rightReflections(k, left);
    const solved = this.forwardSubstitution(k);
    this.updateEstimates(k, lanczos, left, solved);
    this.updateSolution(k, left, right, solved);
    this.stoppingTests(k, lanczos, left, solved);
    this.shiftRecurrences(lanczos, left);
  }

  /**
   * Phase 1, the Lanczos step β_{k+1} v_{k+1} = A v_k − α_k v_k − β_k v_{k−1}.
   * Null (and the run finished) when b is an eigenvector of A.
   */
  private lanczosStep(k: number): LanczosStep | null {
    const betaInT = k === 1 ? 0 : this.betaK; // β₁ = ‖b‖ is not an entry of T
    const z = this.settings.applyA(this.v);
    if (k > 1) axpy(-this.betaK, this.vPrevious, z);
    const alpha = dot(this.v, z);
    axpy(-alpha, this.v, z);
    const betaNext = norm(z);
    if (k === 1 && betaNext === 0) {
      // A b = α₁ b exactly: b is an eigenvector (or lies in the null space when α₁ = 0).
      if (alpha !== 0) this.x = scale(1 / alpha, Float64Array.from(this.b));
      this.flag = alpha !== 0 ? -1 : 0;
      this.anorm = Math.abs(alpha);
      return null;
    }
    return { betaInT, alpha, betaNext, z, columnNormOfT: Math.hypot(betaInT, alpha, betaNext) };
  }

  /** Phase 2, the left reflections: column k of R_k, and the reflector Q_{k,k+1} applied to the right-hand side. */
  private leftReflections(k: number, { betaInT, alpha, betaNext }: LanczosStep): LeftStep {
    // Q_{k−2,k−1} maps (0, β_k) in rows k−2, k−1 to (ε_k, δ̄_k);
    const epsilonK = this.sPrevious2 * betaInT;
    const deltaBarK = -this.cPrevious2 * betaInT;
    // Q_{k−1,k} maps (δ̄_k, α_k) in rows k−1, k to (δ_k, γ̄_k);
    const deltaK = this.cPrevious * deltaBarK + this.sPrevious * alpha;
    const gammaBarK = this.sPrevious * deltaBarK - this.cPrevious * alpha;
    // (row k of Q_{k−1} T is (γ̄_k, δ̄_{k+1}) with δ̄_{k+1} = −c_{k−1} β_{k+1}: ‖A r_{k−1}‖ = |φ_{k−1}|·‖that‖)
    const relAresPrevious = Math.hypot(gammaBarK, this.cPrevious * betaNext);
    // the new reflector Q_{k,k+1} annihilates β_{k+1}: (γ̄_k, β_{k+1}) → (γ_k, 0), and acts on the rhs.
    const { c, s, r: gammaK } = symOrtho(gammaBarK, betaNext);
    this.tau[k] = c * this.phi;
    return { epsilonK, deltaK, gammaK, relAresPrevious, c, s, phiK: s * this.phi };
  }

  /** Phase 3, the right reflections: refine the last rows of L_k = R_k P_k. */
  private rightReflections(k: number, { epsilonK, deltaK, gammaK }: LeftStep): RightStep {
    const { lowerDiag, lowerSub, lowerSubSub, u } = this;
    const at = MinresQlpRun.at;
    // Values from step k−1, needed if we switch from MINRES to QLP.
    const step: RightStep = {
      cp: 1, sp: 0, cd: 1, sd: 0,
      previousDiagKm2: at(lowerDiag, k - 2),
      previousSubKm2: at(lowerSub, k - 2),
      previousDiagKm1: at(lowerDiag, k - 1),
      previousUKm2: at(u, k - 2),
      previousUKm1: at(u, k - 1),
    };
    if (k === 1) {
      lowerDiag[1] = gammaK;
    } else if (k === 2) {
      // P_{1,2} annihilates δ₂ in row 1: (μ̄₁, δ₂) → (μ̊₁, 0); row 2 (0, γ₂) → (ψ̄₁, μ̄₂).
      ({ c: step.cd, s: step.sd, r: lowerDiag[1] } = symOrtho(lowerDiag[1]!, deltaK));
      lowerSub[1] = step.sd * gammaK;
      lowerDiag[2] = -step.cd * gammaK;
    } else {
      // P_{k−2,k} annihilates ε_k in row k−2: (μ̊_{k−2}, ε_k) → (μ_{k−2}, 0).
      ({ c: step.cp, s: step.sp, r: lowerDiag[k - 2] } = symOrtho(lowerDiag[k - 2]!, epsilonK));
      //   row k−1: (ψ̄_{k−2}, δ_k) → (ψ_{k−2}, θ_k);  row k: (0, γ_k) → (ρ_{k−2}, η_k).
      const psiBar = lowerSub[k - 2]!;
      lowerSub[k - 2] = step.cp * psiBar + step.sp * deltaK;
      const thetaK = step.sp * psiBar - step.cp * deltaK;
      lowerSubSub[k - 2] = step.sp * gammaK;
      const etaK = -step.cp * gammaK;
      // P_{k−1,k} annihilates θ_k in row k−1: (μ̄_{k−1}, θ_k) → (μ̊_{k−1}, 0); row k: (0, η_k) → (ψ̄_{k−1}, μ̄_k).
      ({ c: step.cd, s: step.sd, r: lowerDiag[k - 1] } = symOrtho(lowerDiag[k - 1]!, thetaK));
      lowerSub[k - 1] = step.sd * etaK;
      lowerDiag[k] = -step.cd * etaK;
    }
    return step;
  }

  /**
   * Phase 4, forward substitution in L_k u = t_k for the three entries that
   * changed. The last component is left out when μ̄_k is zero (A singular on
   * this direction) or when it would push ‖x‖ past maxxnorm.
   */
  private forwardSubstitution(k: number): SolveStep {
    const { tau, lowerDiag, lowerSub, lowerSubSub, u } = this;
    const at = MinresQlpRun.at;
    const { maxxnorm } = this.settings;
    for (let j = Math.max(1, k - 2); j < k; j++) {
      const numerator = tau[j]! - at(lowerSubSub, j - 2) * at(u, j - 2) - at(lowerSub, j - 1) * at(u, j - 1);
      u[j] = lowerDiag[j] === 0 ? 0 : numerator / lowerDiag[j]!;
    }
    if (k >= 3) this.finalXnormSquared += u[k - 2]! * u[k - 2]!;
    const xnormBeforeLast = Math.sqrt(this.finalXnormSquared + at(u, k - 1) ** 2);
    let dropped: SolveStep['dropped'] = null;
    const muBarK = lowerDiag[k]!;
    u[k] = 0;
    if (!(xnormBeforeLast < maxxnorm)) {
      dropped = 'maxxnorm';
    } else if (Math.abs(muBarK) < MIN_NORMAL) {
      dropped = 'singular';
    } else {
      const candidate = (tau[k]! - at(lowerSubSub, k - 2) * at(u, k - 2) - at(lowerSub, k - 1) * at(u, k - 1)) / muBarK;
      if (Math.hypot(xnormBeforeLast, candidate) <= maxxnorm) u[k] = candidate;
      else dropped = 'maxxnorm';
    }
    return { dropped, muBarK, xnorm: Math.hypot(xnormBeforeLast, u[k]!) };
  }

  /** Phase 5, the estimates of ‖A‖ and cond(A) from T's columns and L's diagonal. */
  private updateEstimates(k: number, { columnNormOfT }: LanczosStep, { gammaK }: LeftStep, { muBarK }: SolveStep): void {
    const { lowerDiag } = this;
    const at = MinresQlpRun.at;
    this.anorm = Math.max(this.anorm, columnNormOfT, gammaK, Math.abs(muBarK), at(lowerDiag, k - 1), at(lowerDiag, k - 2));
    if (k >= 3) this.smallestFinalDiag = Math.min(this.smallestFinalDiag, Math.abs(lowerDiag[k - 2]!));
    const smallestDiag = Math.min(this.smallestFinalDiag, k >= 2 ? Math.abs(lowerDiag[k - 1]!) : Infinity, Math.abs(muBarK));
    this.acond = this.anorm / smallestDiag;
  }

  /** Phase 6, the solution update: MINRES while cond(A) looks small, QLP from the first step where it does not. */
  private updateSolution(k: number, left: LeftStep, right: RightStep, solved: SolveStep): void {
    if (!this.qlpMode && this.acond < this.settings.trancond) {
      this.minresUpdate(k, left, solved);
      return;
    }
    if (!this.qlpMode && k > 1) this.switchToQlp(right);
    this.qlpMode = true;
    this.qlpIterations++;
    this.qlpUpdate(k, right);
  }

  /** MINRES: v_k = ε_k d_{k−2} + δ_k d_{k−1} + γ_k d_k, and x_k = x_{k−1} + τ_k d_k. */
  private minresUpdate(k: number, { epsilonK, deltaK, gammaK }: LeftStep, { dropped }: SolveStep): void {
    const dK = Float64Array.from(this.v);
    axpy(-deltaK, this.dPrevious, dK);
    axpy(-epsilonK, this.dPrevious2, dK);
    scale(1 / gammaK, dK);
    if (dropped === null) axpy(this.tau[k]!, dK, this.x);
    this.dPrevious2 = this.dPrevious;
    this.dPrevious = dK;
    this.minresIterations++;
  }

  /**
   * The switch: rebuild the step-(k−1) QLP quantities from the MINRES
   * directions, W = D L: w̄_{k−1} = μ̄_{k−1} d_{k−1},
   * ẘ_{k−2} = μ̊_{k−2} d_{k−2} + ψ̄_{k−2} d_{k−1}, and the finished part of x
   * is x_{k−1} − u_{k−2} ẘ_{k−2} − u_{k−1} w̄_{k−1}.
   */
  private switchToQlp(right: RightStep): void {
    this.wBar = scale(right.previousDiagKm1, Float64Array.from(this.dPrevious));
    this.wBis = scale(right.previousDiagKm2, Float64Array.from(this.dPrevious2));
    axpy(right.previousSubKm2, this.dPrevious, this.wBis);
    this.xFinished = Float64Array.from(this.x);
    axpy(-right.previousUKm2, this.wBis, this.xFinished);
    axpy(-right.previousUKm1, this.wBar, this.xFinished);
  }

  /** QLP: rotate the last directions by P_{k−2,k} P_{k−1,k}, and x_k = Σ_{j ≤ k−2} u_j w_j + u_{k−1} ẘ_{k−1} + u_k w̄_k. */
  private qlpUpdate(k: number, { cp, sp, cd, sd }: RightStep): void {
    const { v, u } = this;
    if (k === 1) {
      this.wBar = Float64Array.from(v); // w̄₁ = v₁
      this.x = scale(u[1]!, Float64Array.from(this.wBar));
      return;
    }
    if (k === 2) {
      // [w̄₁ v₂] P_{1,2} = [ẘ₁ w̄₂]
      this.wBis = axpy(sd, v, scale(cd, Float64Array.from(this.wBar)));
      this.wBar = axpy(-cd, v, scale(sd, this.wBar));
    } else {
      // [ẘ_{k−2} w̄_{k−1} v_k] P_{k−2,k} P_{k−1,k} = [w_{k−2} ẘ_{k−1} w̄_k]
      const wFinal = axpy(sp, v, scale(cp, Float64Array.from(this.wBis))); // w_{k−2}, final
      const wTemporary = axpy(-cp, v, scale(sp, this.wBis));
      this.wBis = axpy(sd, wTemporary, scale(cd, Float64Array.from(this.wBar)));
      this.wBar = axpy(-cd, wTemporary, scale(sd, this.wBar));
      axpy(u[k - 2]!, wFinal, this.xFinished);
    }
    this.x = Float64Array.from(this.xFinished);
    axpy(u[k - 1]!, this.wBis, this.x);
    axpy(u[k]!, this.wBar, this.x);
  }

  /** Phase 7, the stopping tests (later tests take precedence, as in the paper). */
  private stoppingTests(k: number, { betaNext }: LanczosStep, { relAresPrevious, phiK }: LeftStep, { dropped, muBarK, xnorm }: SolveStep): void {
    const { rtol, maxit, acondlim, maxxnorm } = this.settings;
    const { anorm, beta1 } = this;
    const rnormEstimate = dropped === null ? Math.abs(phiK) : Math.abs(this.phi);
    const relres = rnormEstimate / (anorm * xnorm + beta1);
    const relAres = relAresPrevious / anorm;
    let flag: MinresQlpFlag | null = null;
    if (k >= maxit) flag = 8;
    if (dropped === 'singular') flag = 9;
    if (this.acond >= acondlim) flag = 7;
    if (xnorm >= maxxnorm || dropped === 'maxxnorm') flag = 6;
    if (anorm * xnorm * Number.EPSILON >= beta1) flag = 5;
    if (1 + relAres <= 1) flag = 4;
    if (1 + relres <= 1) flag = 3;
    if (relAres <= rtol) flag = 2;
    if (relres <= rtol) flag = 1;
    if (flag === null && !(betaNext > 0)) flag = relres <= relAres ? 3 : 4; // Krylov space exhausted
    // ‖x‖ is tracked through its square, which overflows once ‖x‖ passes about 1e154 (only possible with a maxxnorm
    // that large): relres would then read 0 and claim convergence, so an overflowed ‖x‖ stops the run as flag 6
    if (!Number.isFinite(xnorm)) flag = 6;
    this.flag = flag;
    if (flag === 2 || flag === 4 || flag === 7) this.dropNumericalNullComponent(k, muBarK);
  }

  /**
   * Stopping because A looks singular (least-squares convergence, or cond(A)
   * past acondlim) with a last diagonal μ̄_k that is numerically zero — below
   * ‖A‖·max(rtol, 1/acondlim): w̄_k is then (numerically) a null vector, and
   * the minimum-length solution leaves its component out. (W = D L, so in
   * MINRES mode u_k w̄_k = u_k μ̄_k d_k.)
   */
  private dropNumericalNullComponent(k: number, muBarK: number): void {
    const { u } = this;
    const numericalNullLevel = this.anorm * Math.max(this.settings.rtol, 1 / this.settings.acondlim);
    if (u[k] === 0 || !(Math.abs(muBarK) <= numericalNullLevel)) return;
    if (this.qlpMode) axpy(-u[k]!, this.wBar, this.x);
    else axpy(-u[k]! * muBarK, this.dPrevious, this.x);
    u[k] = 0;
  }

  /** Shift the recurrences by one: step k's reflector and Lanczos vectors become step k + 1's previous ones. */
  private shiftRecurrences({ betaNext, z }: LanczosStep, { c, s, phiK }: LeftStep): void {
    this.cPrevious2 = this.cPrevious;
    this.sPrevious2 = this.sPrevious;
    this.cPrevious = c;
    this.sPrevious = s;
    this.phi = phiK;
    this.vPrevious = this.v;
    this.v = this.flag === null ? scale(1 / betaNext, z) : this.v;
    this.betaK = betaNext;
  }

  /** The result, with relres, relAres and the norms from the true residual b − A x (two more products). */
  result(): MinresQlpResult {
    const { x, anorm, beta1 } = this;
    const residual = Float64Array.from(this.b);
    axpy(-1, this.settings.applyA(x), residual);
    const rnorm = norm(residual);
    const arnorm = rnorm > 0 ? norm(this.settings.applyA(residual)) : 0;
    const xnormTrue = norm(x);
    const finalFlag: MinresQlpFlag = this.flag ?? 8;
    return {
      x,
      flag: finalFlag,
      reason: REASONS[finalFlag],
      iterations: this.iterations,
      minresIterations: this.minresIterations,
      qlpIterations: this.qlpIterations,
      relres: beta1 === 0 ? 0 : rnorm / (anorm * xnormTrue + beta1),
      relAres: rnorm > 0 && anorm > 0 ? arnorm / (anorm * rnorm) : 0,
      anorm,
      acond: this.acond,
      xnorm: xnormTrue,
      rnorm,
      arnorm,
    };
  }
}

/** Minimum-length (least-squares) solution of the symmetric system A x = b. */
export function minresQlp(op: LinearOperator, b: Float64Array, options: MinresQlpOptions = {}): MinresQlpResult {
  const run = new MinresQlpRun(resolveSettings(op, b, options), b);
  for (let k = 1; run.flag === null; k++) run.iterate(k);
  return run.result();
}
