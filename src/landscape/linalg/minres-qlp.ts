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
 * 6 ‖x‖ reached maxxnorm; 7 κ(A) estimate reached acondlim; 8 maxit reached;
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

/** Minimum-length (least-squares) solution of the symmetric system A x = b. */
export function minresQlp(op: LinearOperator, b: Float64Array, options: MinresQlpOptions = {}): MinresQlpResult {
  const n = op.dim;
  if (b.length !== n) throw new Error(`minresQlp: b has length ${b.length}, operator dim ${n}`);
  const rtol = options.rtol ?? 1e-10;
  const maxit = options.maxit ?? 4 * n;
  const maxxnorm = options.maxxnorm ?? 1e4;
  const acondlim = options.acondlim ?? 1e7;
  const trancond = options.trancond ?? 1e4;
  const shift = options.shift ?? 0;
  if (!Number.isInteger(maxit) || maxit < 1) throw new Error(`minresQlp: maxit must be a positive integer, got ${maxit}`);
  const applyA = (v: Float64Array): Float64Array => (shift === 0 ? op.apply(v) : axpy(-shift, v, op.apply(v)));

  let x: Float64Array = new Float64Array(n);
  const beta1 = norm(b);
  let anorm = 0;
  let acond = 1;
  let flag: MinresQlpFlag | null = null;
  let iterations = 0;
  let minresIterations = 0;
  let qlpIterations = 0;
  if (beta1 === 0) flag = 0;

  // Scalar sequences, indexed 1…k like the paper (index 0 and below read as 0).
  const size = maxit + 1;
  const tau = new Float64Array(size); // τ_j: first k entries of Q_k β₁e₁
  const lowerDiag = new Float64Array(size); // L_{j,j}: μ̄_j, then μ̊_j, then final μ_j
  const lowerSub = new Float64Array(size); // L_{j+1,j}: ψ̄_j, then final ψ_j
  const lowerSubSub = new Float64Array(size); // L_{j+2,j}: ρ_j (final when set)
  const u = new Float64Array(size); // L_k u = t_k
  const at = (sequence: Float64Array, j: number): number => (j >= 1 ? sequence[j]! : 0);

  // Lanczos state: v = v_k, vPrevious = v_{k−1}, betaK = β_k (β₁ = ‖b‖).
  let vPrevious: Float64Array = new Float64Array(n);
  let v: Float64Array = flag === null ? scale(1 / beta1, Float64Array.from(b)) : new Float64Array(n);
  let betaK = beta1;
  // Left reflectors Q_{k−2,k−1} and Q_{k−1,k}; c = −1, s = 0 before they exist (so γ̄₁ = α₁).
  let cPrevious2 = -1;
  let sPrevious2 = 0;
  let cPrevious = -1;
  let sPrevious = 0;
  let phi = beta1; // φ_{k−1}, with |φ| = ‖r_{k−1}‖
  // Running minimum of the final diagonal entries μ_j of L (for κ(A)).
  let smallestFinalDiag = Infinity;
  let finalXnormSquared = 0; // Σ_{j ≤ k−2} u_j²
  // MINRES directions d_{k−1}, d_{k−2} and QLP directions ẘ_{k−1}, w̄_k, plus x's finished part.
  let dPrevious: Float64Array = new Float64Array(n);
  let dPrevious2: Float64Array = new Float64Array(n);
  let wBis: Float64Array = new Float64Array(n);
  let wBar: Float64Array = new Float64Array(n);
  let xFinished: Float64Array = new Float64Array(n); // Σ_{j ≤ k−2} u_j w_j
  let qlpMode = false;

  for (let k = 1; flag === null; k++) {
    iterations = k;

    // ---- 1. Lanczos step: β_{k+1} v_{k+1} = A v_k − α_k v_k − β_k v_{k−1}.
    const betaInT = k === 1 ? 0 : betaK; // β₁ = ‖b‖ is not an entry of T
    const z = applyA(v);
    if (k > 1) axpy(-betaK, vPrevious, z);
    const alpha = dot(v, z);
    axpy(-alpha, v, z);
    const betaNext = norm(z);
    if (k === 1 && betaNext === 0) {
      // A b = α₁ b exactly: b is an eigenvector (or lies in the null space when α₁ = 0).
      if (alpha !== 0) x = scale(1 / alpha, Float64Array.from(b));
      flag = alpha !== 0 ? -1 : 0;
      anorm = Math.abs(alpha);
      break;
    }
    const columnNormOfT = Math.hypot(betaInT, alpha, betaNext); // ‖T_{k+1,k} e_k‖ ≤ ‖A‖

    // ---- 2. Left reflections: column k of R_k.
    // Q_{k−2,k−1} maps (0, β_k) in rows k−2, k−1 to (ε_k, δ̄_k);
    const epsilonK = sPrevious2 * betaInT;
    const deltaBarK = -cPrevious2 * betaInT;
    // Q_{k−1,k} maps (δ̄_k, α_k) in rows k−1, k to (δ_k, γ̄_k);
    const deltaK = cPrevious * deltaBarK + sPrevious * alpha;
    const gammaBarK = sPrevious * deltaBarK - cPrevious * alpha;
    // (row k of Q_{k−1} T is (γ̄_k, δ̄_{k+1}) with δ̄_{k+1} = −c_{k−1} β_{k+1}: ‖A r_{k−1}‖ = |φ_{k−1}|·‖that‖)
    const relAresPrevious = Math.hypot(gammaBarK, cPrevious * betaNext); // ‖A r_{k−1}‖ / ‖r_{k−1}‖
    // the new reflector Q_{k,k+1} annihilates β_{k+1}: (γ̄_k, β_{k+1}) → (γ_k, 0), and acts on the rhs.
    const { c, s, r: gammaK } = symOrtho(gammaBarK, betaNext);
    tau[k] = c * phi;
    const phiK = s * phi;

    // ---- 3. Right reflections: refine the last rows of L_k = R_k P_k.
    // Values from step k−1, needed if we switch from MINRES to QLP below.
    const previousDiagKm2 = at(lowerDiag, k - 2);
    const previousSubKm2 = at(lowerSub, k - 2);
    const previousDiagKm1 = at(lowerDiag, k - 1);
    const previousUKm2 = at(u, k - 2);
    const previousUKm1 = at(u, k - 1);
    let cp = 1; // P_{k−2,k}
    let sp = 0;
    let cd = 1; // P_{k−1,k}
    let sd = 0;
    if (k === 1) {
      lowerDiag[1] = gammaK;
    } else if (k === 2) {
      // P_{1,2} annihilates δ₂ in row 1: (μ̄₁, δ₂) → (μ̊₁, 0); row 2 (0, γ₂) → (ψ̄₁, μ̄₂).
      ({ c: cd, s: sd, r: lowerDiag[1] } = symOrtho(lowerDiag[1]!, deltaK));
      lowerSub[1] = sd * gammaK;
      lowerDiag[2] = -cd * gammaK;
    } else {
      // P_{k−2,k} annihilates ε_k in row k−2: (μ̊_{k−2}, ε_k) → (μ_{k−2}, 0).
      ({ c: cp, s: sp, r: lowerDiag[k - 2] } = symOrtho(lowerDiag[k - 2]!, epsilonK));
      //   row k−1: (ψ̄_{k−2}, δ_k) → (ψ_{k−2}, θ_k);  row k: (0, γ_k) → (ρ_{k−2}, η_k).
      const psiBar = lowerSub[k - 2]!;
      lowerSub[k - 2] = cp * psiBar + sp * deltaK;
      const thetaK = sp * psiBar - cp * deltaK;
      lowerSubSub[k - 2] = sp * gammaK;
      const etaK = -cp * gammaK;
      // P_{k−1,k} annihilates θ_k in row k−1: (μ̄_{k−1}, θ_k) → (μ̊_{k−1}, 0); row k: (0, η_k) → (ψ̄_{k−1}, μ̄_k).
      ({ c: cd, s: sd, r: lowerDiag[k - 1] } = symOrtho(lowerDiag[k - 1]!, thetaK));
      lowerSub[k - 1] = sd * etaK;
      lowerDiag[k] = -cd * etaK;
    }

    // ---- 4. Forward substitution in L_k u = t_k for the three entries that changed.
    for (let j = Math.max(1, k - 2); j < k; j++) {
      const numerator = tau[j]! - at(lowerSubSub, j - 2) * at(u, j - 2) - at(lowerSub, j - 1) * at(u, j - 1);
      u[j] = lowerDiag[j] === 0 ? 0 : numerator / lowerDiag[j]!;
    }
    if (k >= 3) finalXnormSquared += u[k - 2]! * u[k - 2]!;
    const xnormBeforeLast = Math.sqrt(finalXnormSquared + at(u, k - 1) ** 2);
    // The last component: left out when μ̄_k is zero (A singular on this direction)
    // or when it would push ‖x‖ past maxxnorm.
    let dropped: 'singular' | 'maxxnorm' | null = null;
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
    const xnorm = Math.hypot(xnormBeforeLast, u[k]!);

    // ---- 5. Estimates of ‖A‖ and cond(A) from T's columns and L's diagonal.
    anorm = Math.max(anorm, columnNormOfT, gammaK, Math.abs(muBarK), at(lowerDiag, k - 1), at(lowerDiag, k - 2));
    if (k >= 3) smallestFinalDiag = Math.min(smallestFinalDiag, Math.abs(lowerDiag[k - 2]!));
    const smallestDiag = Math.min(smallestFinalDiag, k >= 2 ? Math.abs(lowerDiag[k - 1]!) : Infinity, Math.abs(muBarK));
    acond = anorm / smallestDiag;

    // ---- 6. Update the directions and x.
    if (!qlpMode && acond < trancond) {
      // MINRES: v_k = ε_k d_{k−2} + δ_k d_{k−1} + γ_k d_k, and x_k = x_{k−1} + τ_k d_k.
      const dK = Float64Array.from(v);
      axpy(-deltaK, dPrevious, dK);
      axpy(-epsilonK, dPrevious2, dK);
      scale(1 / gammaK, dK);
      if (dropped === null) axpy(tau[k]!, dK, x);
      dPrevious2 = dPrevious;
      dPrevious = dK;
      minresIterations++;
    } else {
      if (!qlpMode && k > 1) {
        // Transfer: rebuild the step-(k−1) QLP quantities from the MINRES directions, W = D L:
        // w̄_{k−1} = μ̄_{k−1} d_{k−1},  ẘ_{k−2} = μ̊_{k−2} d_{k−2} + ψ̄_{k−2} d_{k−1},
        // and the finished part of x is x_{k−1} − u_{k−2} ẘ_{k−2} − u_{k−1} w̄_{k−1}.
        wBar = scale(previousDiagKm1, Float64Array.from(dPrevious));
        wBis = scale(previousDiagKm2, Float64Array.from(dPrevious2));
        axpy(previousSubKm2, dPrevious, wBis);
        xFinished = Float64Array.from(x);
        axpy(-previousUKm2, wBis, xFinished);
        axpy(-previousUKm1, wBar, xFinished);
      }
      qlpMode = true;
      qlpIterations++;
      if (k === 1) {
        wBar = Float64Array.from(v); // w̄₁ = v₁
        x = scale(u[1]!, Float64Array.from(wBar));
      } else {
        if (k === 2) {
          // [w̄₁ v₂] P_{1,2} = [ẘ₁ w̄₂]
          wBis = axpy(sd, v, scale(cd, Float64Array.from(wBar)));
          wBar = axpy(-cd, v, scale(sd, wBar));
        } else {
          // [ẘ_{k−2} w̄_{k−1} v_k] P_{k−2,k} P_{k−1,k} = [w_{k−2} ẘ_{k−1} w̄_k]
          const wFinal = axpy(sp, v, scale(cp, Float64Array.from(wBis))); // w_{k−2}, final
          const wTemporary = axpy(-cp, v, scale(sp, wBis));
          wBis = axpy(sd, wTemporary, scale(cd, Float64Array.from(wBar)));
          wBar = axpy(-cd, wTemporary, scale(sd, wBar));
          axpy(u[k - 2]!, wFinal, xFinished);
        }
        // x_k = Σ_{j ≤ k−2} u_j w_j + u_{k−1} ẘ_{k−1} + u_k w̄_k
        x = Float64Array.from(xFinished);
        axpy(u[k - 1]!, wBis, x);
        axpy(u[k]!, wBar, x);
      }
    }

    // ---- 7. Stopping tests (later tests take precedence, as in the paper).
    const rnormEstimate = dropped === null ? Math.abs(phiK) : Math.abs(phi);
    const relres = rnormEstimate / (anorm * xnorm + beta1);
    const relAres = relAresPrevious / anorm;
    if (k >= maxit) flag = 8;
    if (dropped === 'singular') flag = 9;
    if (acond >= acondlim) flag = 7;
    if (xnorm >= maxxnorm || dropped === 'maxxnorm') flag = 6;
    if (anorm * xnorm * Number.EPSILON >= beta1) flag = 5;
    if (1 + relAres <= 1) flag = 4;
    if (1 + relres <= 1) flag = 3;
    if (relAres <= rtol) flag = 2;
    if (relres <= rtol) flag = 1;
    if (flag === null && !(betaNext > 0)) flag = relres <= relAres ? 3 : 4; // Krylov space exhausted

    // Stopping because A looks singular (least-squares convergence, or cond(A) past acondlim)
    // with a last diagonal μ̄_k that is numerically zero — below ‖A‖·max(rtol, 1/acondlim):
    // w̄_k is then (numerically) a null vector, and the minimum-length solution leaves its
    // component out. (W = D L, so in MINRES mode u_k w̄_k = u_k μ̄_k d_k.)
    const numericalNullLevel = anorm * Math.max(rtol, 1 / acondlim);
    if ((flag === 2 || flag === 4 || flag === 7) && u[k] !== 0 && Math.abs(muBarK) <= numericalNullLevel) {
      if (qlpMode) axpy(-u[k]!, wBar, x);
      else axpy(-u[k]! * muBarK, dPrevious, x);
      u[k] = 0;
    }

    // ---- Shift the recurrences by one.
    cPrevious2 = cPrevious;
    sPrevious2 = sPrevious;
    cPrevious = c;
    sPrevious = s;
    phi = phiK;
    vPrevious = v;
    v = flag === null ? scale(1 / betaNext, z) : v;
    betaK = betaNext;
  }

  // True residuals of the returned x.
  const residual = Float64Array.from(b);
  axpy(-1, applyA(x), residual);
  const rnorm = norm(residual);
  const arnorm = rnorm > 0 ? norm(applyA(residual)) : 0;
  const xnormTrue = norm(x);
  const finalFlag: MinresQlpFlag = flag ?? 8;
  return {
    x,
    flag: finalFlag,
    reason: REASONS[finalFlag],
    iterations,
    minresIterations,
    qlpIterations,
    relres: beta1 === 0 ? 0 : rnorm / (anorm * xnormTrue + beta1),
    relAres: rnorm > 0 && anorm > 0 ? arnorm / (anorm * rnorm) : 0,
    anorm,
    acond,
    xnorm: xnormTrue,
    rnorm,
    arnorm,
  };
}
