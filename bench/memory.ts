// RSS over 20,000 iterations of a small MLP forward/backward/update, each in a
// tensor scope. Prints a markdown table; docs/benchmarks.md holds the results.
//   npm run build && node dist/bench/memory.js [iterations]
import * as torch from '../src/torch';

const iterations = Number(process.argv[2] ?? 20000);
const sampleEvery = Math.max(1, Math.floor(iterations / 10));
const F = torch.functional;

torch.manualSeed(0);
torch.setNumThreads(1);
const params = [torch.randn([784, 256]).mul(0.05), torch.zeros([256]), torch.randn([256, 10]).mul(0.05), torch.zeros([10])].map((p) =>
  p.requiresGrad_(),
);
const [w1, b1, w2, b2] = params as [torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor];

// The update goes through the real optimizer (SGD with momentum), as in
// training: an earlier optimizer leaked a gradient handle per parameter per step.
const optimizer = new torch.optim.SGD(params, { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });

function step(): number {
  return torch.scope(() => {
    const x = torch.randn([64, 784]);
    const y = torch.randint(0, 10, [64]);
    const logits = F.linear(F.linear(x, w1.t(), b1).relu(), w2.t(), b2);
    const loss = F.crossEntropy(logits, y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    return loss.item();
  });
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const rows: string[] = [];
for (let i = 0; i < 200; i++) step(); // warm up allocator and thread pools
const startRss = process.memoryUsage().rss;
const start = Date.now();
for (let i = 1; i <= iterations; i++) {
  step();
  if (i % sampleEvery === 0) {
    const rss = process.memoryUsage().rss;
    rows.push(`| ${i} | ${mib(rss)} | ${mib(rss - startRss)} | ${torch.liveTensorCount()} |`);
  }
}
const seconds = (Date.now() - start) / 1000;
console.log(`MLP 784-256-10, batch 64, ${iterations} iterations in ${seconds.toFixed(1)} s (${(iterations / seconds).toFixed(0)} it/s), 1 thread`);
console.log(`RSS after warm-up: ${mib(startRss)} MiB\n`);
console.log('| iteration | RSS MiB | growth MiB | live tensors |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
