/**
 * The course's exercises: for each one, the chapter that teaches it, the
 * function (or rule-table entry) of the project that the student writes, and
 * the checks that grade it.
 *
 * The reference solution of every exercise is the project's own code. The
 * grader (grader.ts) finds the target by name with the TypeScript compiler
 * and replaces its body with a stub that throws "not implemented yet"; a
 * target written `vjpRules.tanh` is the entry `tanh` of the object
 * `vjpRules`, and `adam.step` is the method `step` inside the function
 * `adam`. Two targets live in chapters (the linear IR of chapter 04 and the
 * blocked product of chapter 06); those chapters export them and run their
 * steps only when executed.
 */

export interface Exercise {
  /** 1, 2, …: the number students type (`goldilocks course start 3`). */
  readonly number: number;
  /** A short name, also the name of its check file: checks/NN-<slug>.ts. */
  readonly slug: string;
  readonly title: string;
  /** The chapter that teaches it, a file in tutorials/. */
  readonly chapter: string;
  /** The file the student edits, relative to the project root. */
  readonly file: string;
  /** What the stub replaces: a function, `object.entry`, or `function.method`. */
  readonly target: string;
  /** What to write, in a sentence or two. */
  readonly task: string;
  /** Shown when a check fails. */
  readonly hint: string;
}

export const EXERCISES: readonly Exercise[] = [
  {
    number: 1,
    slug: 'vjp-tanh',
    title: 'the reverse-mode rule of tanh',
    chapter: '01-reverse-mode.ts',
    file: 'src/autodiff/vjp.ts',
    target: 'vjpRules.tanh',
    task: 'Return one cotangent thunk for the input of y = tanh(x): x̄ = ȳ · dy/dx.',
    hint: 'dy/dx = 1 − tanh²(x) = 1 − y², and y is the rule\'s `out` argument; write it with ops (ops.mul, ops.sub, ops.square) so that grad(grad(f)) works.',
  },
  {
    number: 2,
    slug: 'vjp-sum',
    title: 'the reverse-mode rule of sum',
    chapter: '01-reverse-mode.ts',
    file: 'src/autodiff/vjp.ts',
    target: 'vjpRules.sum',
    task: 'Return the cotangent of the input of a sum over `axes`: every entry of a summed group receives that group\'s cotangent.',
    hint: 'Reshape g to the input\'s shape with the summed axes kept as size 1 (reducedShape(x.shape, axes, true)), then ops.broadcastTo the input\'s shape.',
  },
  {
    number: 3,
    slug: 'bind',
    title: 'bind: choosing the interpreter',
    chapter: '02-the-engine-from-the-inside.ts',
    file: 'src/autodiff/trace.ts',
    target: 'bind',
    task: 'Send a primitive to the trace of its highest-level tracer input (lifting the other inputs into that trace), or evaluate it on numbers with the level-0 evaluator when no input is a tracer.',
    hint: 'Find the Tracer with the largest `level`; if there is none, return evaluate(prim, inputs, params) — the evaluator eval.ts installed with setEvaluator (throw a clear error if it is null). Otherwise keep its tracers, call trace.lift(x) on every other input, and return trace.process(prim, tracers, params).',
  },
  {
    number: 4,
    slug: 'unbroadcast',
    title: 'unbroadcast: undoing broadcasting in reverse mode',
    chapter: '02-the-engine-from-the-inside.ts',
    file: 'src/autodiff/vjp.ts',
    target: 'unbroadcast',
    task: 'Sum a cotangent g of the broadcast shape back to `shape`: over the leading axes broadcasting added and over the axes where `shape` has size 1.',
    hint: 'With lead = g.rank − shape.length, sum over axes i < lead and over axes where shape[i − lead] === 1 but g.shape[i] !== 1 (ops.sum with keepdims), then ops.reshape to `shape`.',
  },
  {
    number: 5,
    slug: 'jvp-tanh',
    title: 'the forward-mode rule of tanh',
    chapter: '03-forward-mode-and-hvp.ts',
    file: 'src/autodiff/jvp.ts',
    target: 'jvpRules.tanh',
    task: 'Return the output tangent of y = tanh(x) for the input tangent dx.',
    hint: 'dy = dx · (1 − y²) with y the rule\'s `out`; use ops so that jvp(grad(f)) works.',
  },
  {
    number: 6,
    slug: 'jvp-mul',
    title: 'the forward-mode rule of mul (the product rule)',
    chapter: '03-forward-mode-and-hvp.ts',
    file: 'src/autodiff/jvp.ts',
    target: 'jvpRules.mul',
    task: 'Return d(a·b) = da·b + a·db, where a tangent of null means "exactly zero".',
    hint: 'Use the helpers in jvp.ts: addTangents(mapTangent(da, (t) => ops.mul(t, b)), mapTangent(db, (t) => ops.mul(a, t))).',
  },
  {
    number: 7,
    slug: 'hvp',
    title: 'the exact Hessian-vector product',
    chapter: '03-forward-mode-and-hvp.ts',
    file: 'src/autodiff/transforms.ts',
    target: 'hvp',
    task: 'Return H(x)·v for a scalar f by forward over reverse: the directional derivative of grad(f) along v.',
    hint: 'One line: jvp(grad(f), [x], [v]) returns [∇f(x), H·v].',
  },
  {
    number: 8,
    slug: 'jacrev',
    title: 'the Jacobian by reverse mode',
    chapter: '03-forward-mode-and-hvp.ts',
    file: 'src/autodiff/transforms.ts',
    target: 'jacrev',
    task: 'Return a function x ↦ J_f(x) of shape [...f(x).shape, ...x.shape], one pullback per output element (a loop passes; the reference pulls them all back in one vmap, chapter 05).',
    hint: 'Call vjp(f, x) once; the one-hot cotangents are the rows of eye(y.size), each reshaped to y.shape; pull each back to get row i (or all at once: vmap((u) => pullback(u)[0])), stack the rows and reshape to [...y.shape, ...x.shape].',
  },
  {
    number: 9,
    slug: 'vjp-matmul',
    title: 'the reverse-mode rule of matmul',
    chapter: '04-linearize-and-transpose.ts',
    file: 'src/autodiff/vjp.ts',
    target: 'vjpRules.matmul',
    task: 'For C = A·B and cotangent G, return the thunks for Ā = G·Bᵀ and B̄ = Aᵀ·G (batched operands swap their last two axes).',
    hint: 'bind(\'matmul\', [g, swapLast(b)], {}) and bind(\'matmul\', [swapLast(a), g], {}): the transpose of the linear map dA ↦ dA·B is G ↦ G·Bᵀ.',
  },
  {
    number: 10,
    slug: 'batch-at',
    title: 'giving a value its batch axis',
    chapter: '05-vmap-and-printed-programs.ts',
    file: 'src/autodiff/vmap.ts',
    target: 'batchAt',
    task: 'Return x with its batch axis at position `to`: a batched x (dim not null) has its axis `dim` moved there; an unbatched x (dim null) gets a new axis of length `size` there, the same value repeated.',
    hint: 'Batched: moveAxis(x, dim, to). Unbatched: insert a 1 at `to` in the shape (ops.reshape), then ops.broadcastTo the shape with `size` at `to` — a view, no copy.',
  },
  {
    number: 11,
    slug: 'vmap-matmul',
    title: 'the batching rule of matmul',
    chapter: '05-vmap-and-printed-programs.ts',
    file: 'src/autodiff/vmap.ts',
    target: 'matmulRule',
    task: 'Return [the batched product, its batch axis] for matmul when one or both operands carry a batch axis (dims[i] null: not batched). A slice\'s product is [m, k]·[k, n], or a stack [s, m, k]·[s, k, n].',
    hint: 'The simplest correct rule: put both batch axes first with atFront (it broadcasts an unbatched operand), then bind(\'matmul\', [x, y], {}) — the batched [B, m, k]·[B, k, n] product — and return [result, 0]. For stacks, fold B into s with ops.reshape first. The reference also folds the batch into the rows of one product when only the left operand is batched.',
  },
  {
    number: 12,
    slug: 'transpose-add',
    title: 'the transpose rule of add in a linear IR',
    chapter: '04-linearize-and-transpose.ts',
    file: 'tutorials/04-linearize-and-transpose.ts',
    target: 'transposeRules.add',
    task: 'For the equation t = a + b, add the output\'s cotangent g into the cotangents of both inputs, ct[e.a] and ct[e.b].',
    hint: 'The transpose of adding is copying (fan-out): ā += t̄ and b̄ += t̄. Add (+=), never assign: a variable used twice receives two contributions, and e.a may equal e.b.',
  },
  {
    number: 13,
    slug: 'blocked-matmul',
    title: 'a cache-blocked matrix product',
    chapter: '06-compute-kernels.ts',
    file: 'tutorials/06-compute-kernels.ts',
    target: 'blockedMatmul',
    task: 'Return C = A·B for square row-major matrices of the given size, looping over tiles of `tile` rows of B and `tile` columns, with i-k-j order inside a tile.',
    hint: 'Loop p0 over k-tiles and j0 over column tiles; inside, for each row i and each p in the tile, read a = A[i][p] once and add a·B[p][j] into C[i][j] for j in the tile. Clamp the last tile with Math.min(p0 + tile, size): sizes need not be multiples of the tile.',
  },
  {
    number: 14,
    slug: 'init-variance',
    title: 'Xavier, He and LeCun initialisation',
    chapter: '07-training-networks.ts',
    file: 'src/nn/init.ts',
    target: 'initVariance',
    task: 'Return the variance of one weight for each initialiser name, from fan-in and fan-out.',
    hint: 'Xavier (Glorot): 2/(fanIn + fanOut); He: 2/fanIn; LeCun: 1/fanIn; zeros: 0. The normal and uniform variants share a variance.',
  },
  {
    number: 15,
    slug: 'softmax-cross-entropy',
    title: 'the softmax cross-entropy',
    chapter: '07-training-networks.ts',
    file: 'src/autodiff/ops.ts',
    target: 'softmaxCrossEntropy',
    task: 'Return the mean over rows of −log softmax(logits)[label], stable for large logits.',
    hint: 'neg(mean(takeAlongAxis(logSoftmax(logits, 1), labels))): logSoftmax subtracts a log-sum-exp, which never overflows.',
  },
  {
    number: 16,
    slug: 'adam-step',
    title: 'one step of Adam',
    chapter: '07-training-networks.ts',
    file: 'src/nn/optim.ts',
    target: 'adam.step',
    task: 'Return the new θ and state {t, m, v} after one Adam step with bias correction, L2 weight decay, or decoupled weight decay (AdamW).',
    hint: 'g ← g + λθ unless decoupled; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); θ ← θ − ηλθ (decoupled only) − η m̂/(√v̂ + ε). Do not modify the inputs.',
  },
  {
    number: 17,
    slug: 'zone-criterion',
    title: 'the Goldilocks zone criterion',
    chapter: '08-goldilocks-zone.ts',
    file: 'src/landscape/zone.ts',
    target: 'zoneCriterion',
    task: 'Return the thresholds a radius must pass: Tr/‖H‖_F above z standard errors of a random symmetric matrix\'s value, and a positive fraction above one half.',
    hint: 'traceOverNormThreshold = z · randomMatrixTraceOverNormStd(d) / √repeats, where that std is √(2/(d+1)); positiveFractionThreshold = 0.5.',
  },
  {
    number: 18,
    slug: 'restricted-hessian',
    title: 'the Hessian restricted to a subspace',
    chapter: '08-goldilocks-zone.ts',
    file: 'src/landscape/restricted-hessian.ts',
    target: 'restrictOperator',
    task: 'Build the d×d matrix PᵀAP column by column from the products A·p_j with p_j = P e_j (all at once with applyToEach, which uses the operator\'s batched applyMany when it has one), symmetrise it, and report its asymmetry.',
    hint: 'applyToEach(operator, basisDirections(subspace)) gives the products A·p_j; for each j, column = subspace.projectTranspose(product); store column[i] at raw[i·d + j]; return { matrix: symmetrize(raw), d, asymmetry: relativeAsymmetry(raw) }.',
  },
  {
    number: 19,
    slug: 'hutchinson-trace',
    title: 'Hutchinson\'s trace estimator',
    chapter: '10-hessian-spectra-and-critical-points.ts',
    file: 'src/landscape/linalg/hutchinson.ts',
    target: 'hutchinsonTrace',
    task: 'Estimate Tr(A) as the mean of zᵀAz over Rademacher probes z, with its standard error.',
    hint: 'hutchinsonSamples(op, options, (z, az) => dot(z, az)) draws the probes and summarises the samples.',
  },
  {
    number: 20,
    slug: 'lanczos-step',
    title: 'one step of the Lanczos iteration',
    chapter: '10-hessian-spectra-and-critical-points.ts',
    file: 'src/landscape/linalg/lanczos.ts',
    target: 'LanczosProcess.step',
    task: 'Take one Lanczos step: normalise the residual into v_j (or the start vector on the first step), w = A v_j − α_j v_j − β_j v_{j−1} with α_j = v_jᵀ A v_j, reorthogonalise w against the basis, and record α_j, β_j and the new residual.',
    hint: 'Push β = ‖residual‖ to betas before using it (not on the first step); handle a tiny β as a breakdown (return false in \'stop\' mode); keep this.residual, this.residualBeta and this.largestEntry up to date.',
  },
];

/** The exercise numbered n, or undefined. */
export function findExercise(n: number): Exercise | undefined {
  return EXERCISES.find((e) => e.number === n);
}

/** tutorials/exercises/checks/NN-slug.ts, relative to the project root. */
export function checkFile(exercise: Exercise): string {
  return `tutorials/exercises/checks/${String(exercise.number).padStart(2, '0')}-${exercise.slug}.ts`;
}
