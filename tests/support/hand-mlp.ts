/**
 * An independent float64 reference for end-to-end tests: a one-hidden-layer
 * tanh MLP, x ↦ softmax(tanh(x W1 + b1) W2 + b2), its mean cross-entropy,
 * accuracy and gradient written out by hand in plain loops (no engine), with θ
 * laid out as the project's checkpoints name it: dense1.weight [in, hidden],
 * dense1.bias [hidden], dense2.weight [hidden, classes], dense2.bias [classes].
 */
export interface HandMlp {
  /** D, the number of parameters. */
  size: number;
  lossAndGradient(theta: Float64Array, x: Float64Array, labels: Int32Array): { loss: number; accuracy: number; gradient: Float64Array };
}

export function handMlp(inputs: number, hidden: number, classes: number): HandMlp {
  const W1 = 0;
  const B1 = W1 + inputs * hidden;
  const W2 = B1 + hidden;
  const B2 = W2 + hidden * classes;
  const size = B2 + classes;
  function lossAndGradient(theta: Float64Array, x: Float64Array, labels: Int32Array): { loss: number; accuracy: number; gradient: Float64Array } {
    const n = labels.length;
    const gradient = new Float64Array(size);
    let loss = 0;
    let correct = 0;
    for (let s = 0; s < n; s++) {
      const h = new Float64Array(hidden);
      for (let j = 0; j < hidden; j++) {
        let a = theta[B1 + j]!;
        for (let i = 0; i < inputs; i++) a += x[s * inputs + i]! * theta[W1 + i * hidden + j]!;
        h[j] = Math.tanh(a);
      }
      const z = new Float64Array(classes);
      for (let k = 0; k < classes; k++) {
        let a = theta[B2 + k]!;
        for (let j = 0; j < hidden; j++) a += h[j]! * theta[W2 + j * classes + k]!;
        z[k] = a;
      }
      const zMax = Math.max(...z);
      let sumExp = 0;
      for (let k = 0; k < classes; k++) sumExp += Math.exp(z[k]! - zMax);
      const y = labels[s]!;
      loss += zMax + Math.log(sumExp) - z[y]!;
      if (z.indexOf(zMax) === y) correct++;
      // backward: dL/dz = (softmax − onehot)/n, then through W2, tanh′ = 1 − h², W1
      const dz = new Float64Array(classes);
      for (let k = 0; k < classes; k++) dz[k] = (Math.exp(z[k]! - zMax) / sumExp - (k === y ? 1 : 0)) / n;
      for (let k = 0; k < classes; k++) gradient[B2 + k]! += dz[k]!;
      for (let j = 0; j < hidden; j++) {
        let dh = 0;
        for (let k = 0; k < classes; k++) {
          gradient[W2 + j * classes + k]! += h[j]! * dz[k]!;
          dh += theta[W2 + j * classes + k]! * dz[k]!;
        }
        const da = dh * (1 - h[j]! * h[j]!);
        gradient[B1 + j]! += da;
        for (let i = 0; i < inputs; i++) gradient[W1 + i * hidden + j]! += x[s * inputs + i]! * da;
      }
    }
    return { loss: loss / n, accuracy: correct / n, gradient };
  }
  return { size, lossAndGradient };
}
