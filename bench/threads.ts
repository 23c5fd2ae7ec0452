// Per-call overhead of the addon and the speed of a small train step with
// 1 vs N intra-op threads. Prints a markdown table for docs/benchmarks.md.
//   npm run build && node dist/bench/threads.js
import * as os from 'node:os';
import * as torch from '../src/torch';

const F = torch.functional;

function timeIt(label: string, iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.min(50, iterations); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const micros = Number(process.hrtime.bigint() - start) / 1000 / iterations;
  console.log(`| ${label} | ${micros < 100 ? micros.toFixed(2) : micros.toFixed(0)} µs |`);
  return micros;
}

function mlpStep(batch: number, width: number): () => void {
  torch.manualSeed(0);
  const w1 = torch.keep(torch.randn([784, width]).mul(0.05).requiresGrad_());
  const w2 = torch.keep(torch.randn([width, 10]).mul(0.05).requiresGrad_());
  return () =>
    torch.scope(() => {
      const x = torch.randn([batch, 784]);
      const y = torch.randint(0, 10, [batch]);
      F.crossEntropy(x.matmul(w1).relu().matmul(w2), y).backward();
      w1.zeroGrad();
      w2.zeroGrad();
    });
}

console.log(`CPU: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}, libtorch ${torch.buildInfo().torchVersion}\n`);
console.log('| operation | time per call |');
console.log('|---|---|');
const a = torch.ones([4]);
timeIt('native call returning a number (numel)', 200000, () => a.numel);
timeIt('tiny op creating a tensor, disposed (a.add(1))', 100000, () => a.add(1).dispose());
timeIt('tiny op inside a scope', 100000, () => torch.scope(() => a.add(1)).dispose());

console.log('\n| train step (fwd+bwd) | threads | time per step |');
console.log('|---|---|---|');
const maxThreads = os.availableParallelism();
for (const [batch, width] of [
  [64, 500],
  [256, 1024],
] as const) {
  for (let threads = 1; threads <= maxThreads; threads *= 2) {
    torch.setNumThreads(threads);
    const step = mlpStep(batch, width);
    const n = 200;
    for (let i = 0; i < 20; i++) step();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) step();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n;
    console.log(`| MLP 784-${width}-10, batch ${batch} | ${threads} | ${ms.toFixed(2)} ms |`);
  }
}
