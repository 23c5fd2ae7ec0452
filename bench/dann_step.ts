// Time of one DANN training step (LeNet + Linear head + DomainDiscriminator,
// 64 + 64 digits, GRL, SGD nesterov) in fastda, on random inputs so only the
// step is measured. bench/dann_step_pytorch.py is the same step in PyTorch;
// docs/benchmarks.md holds the results.
//   npm run build && node dist/bench/dann_step.js [steps] [threads]
import * as torch from '../src/torch';
import { nn } from '../src/torch';
import { SGD } from '../src/torch/optim';
import { LeNet } from '../src/models/digits';
import { DomainDiscriminator } from '../src/models/heads';

const steps = Number(process.argv[2] ?? 300);
const threads = Number(process.argv[3] ?? 1);
const F = torch.functional;
torch.manualSeed(0);
torch.setNumThreads(threads);

const backbone = new LeNet();
const head = new nn.Linear(500, 10);
const discriminator = new DomainDiscriminator(500, { hiddenSize: 1024 });
const models = [backbone, head, discriminator];
const optimizer = new SGD(models.flatMap((m) => m.parameters()), { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
const source = torch.randn([64, 1, 28, 28]);
const target = torch.randn([64, 1, 28, 28]);
const labels = torch.randint(0, 10, [64]);
const domainLabels = torch.cat([torch.ones([64]), torch.zeros([64])]);

function step(): void {
  torch.scope(() => {
    for (const m of models) m.train();
    const features = backbone.forward(torch.cat([source, target])) as torch.Tensor;
    const lossCls = F.crossEntropy((head.forward(features) as torch.Tensor).narrow(0, 0, 64), labels);
    const domainLogits = (discriminator.forward(torch.gradReverse(features, 0.5)) as torch.Tensor).flatten();
    const loss = lossCls.add(F.binaryCrossEntropyWithLogits(domainLogits, domainLabels));
    optimizer.zeroGrad();
    loss.item();
    loss.backward();
    optimizer.step();
  });
}

for (let i = 0; i < 20; i++) step(); // warm-up
const start = process.hrtime.bigint();
for (let i = 0; i < steps; i++) step();
const ms = Number(process.hrtime.bigint() - start) / 1e6 / steps;
console.log(`fastda DANN step (LeNet, 64+64, ${threads} thread${threads > 1 ? 's' : ''}): ${ms.toFixed(2)} ms`);
