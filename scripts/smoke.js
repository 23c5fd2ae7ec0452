#!/usr/bin/env node
// Smoke check of a fresh install: trains a small MLP with the tensor API on two
// interleaved spirals and prints loss and accuracy. Exits 1 if it did not learn.
'use strict';
const torch = require('../dist/src/torch');

const F = torch.functional;
torch.manualSeed(0);
torch.setNumThreads(1);

// Two spirals, 200 points each (labels 0/1).
const points = [];
const labels = [];
for (let cls = 0; cls < 2; cls++) {
  for (let i = 0; i < 200; i++) {
    const r = i / 200 * 5;
    const angle = 1.75 * i / 200 * 2 * Math.PI + cls * Math.PI;
    points.push(r * Math.sin(angle) / 5, r * Math.cos(angle) / 5);
    labels.push(cls);
  }
}
const x = torch.keep(torch.tensor(new Float32Array(points), { shape: [400, 2] }));
const y = torch.keep(torch.tensor(labels, { dtype: 'int64' }));

const init = (shape, scale) => torch.keep(torch.randn(shape).mul(scale).requiresGrad_());
const params = [init([2, 64], 1), init([64], 0), init([64, 64], 0.2), init([64], 0), init([64, 2], 0.2), init([2], 0)];
const forward = (input) => {
  const [w1, b1, w2, b2, w3, b3] = params;
  return input.matmul(w1).add(b1).tanh().matmul(w2).add(b2).tanh().matmul(w3).add(b3);
};

const started = Date.now();
let loss = 0;
for (let step = 1; step <= 3000; step++) {
  loss = torch.scope(() => {
    const value = F.crossEntropy(forward(x), y);
    value.backward();
    torch.noGrad(() => {
      for (const p of params) {
        p.copy_(p.sub(p.grad.mul(0.5)));
        p.zeroGrad();
      }
    });
    return value.item();
  });
  if (step % 1000 === 0) console.log(`step ${step}  loss ${loss.toFixed(4)}`);
}
const accuracy = torch.scope(() => torch.noGrad(() => forward(x).argmax(1).eq(y).float().mean().item()));
console.log(`spiral accuracy ${(accuracy * 100).toFixed(1)}% in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
  `(libtorch ${torch.buildInfo().torchVersion}, live tensors ${torch.liveTensorCount()})`);
process.exit(accuracy > 0.9 ? 0 : 1);
