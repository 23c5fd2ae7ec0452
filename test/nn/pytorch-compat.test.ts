// fastda's models and checkpoints against real PyTorch (Debian python3-torch):
// Python loads fastda checkpoints into torch.nn modules and gets the same
// outputs; fastda loads torchvision state dicts and gets PyTorch's outputs.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../src/torch';
import { LeNet } from '../../src/models/digits';
import { ResNet } from '../../src/models/resnet';
import { DomainDiscriminator } from '../../src/models/heads';
import { buildModel } from '../../src/models/build';
import { checkpointMeta, saveCheckpoint } from '../../src/engine/checkpoint';
import { loadBuiltins } from '../../src/registry/builtins';
import { assertClose, flat } from '../helpers/numeric';
import { runPython, skipWithoutPyTorch } from '../helpers/python';

const skip = skipWithoutPyTorch();
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fastda-compat-'));

test('python torch.load reads a fastda checkpoint into torch.nn modules with equal outputs', { skip }, () => {
  torch.manualSeed(0);
  const lenet = new LeNet().eval();
  const disc = new DomainDiscriminator(500, { hiddenSize: 64 }).eval();
  const resnet = new ResNet(18).eval();
  const digits = torch.randn([2, 1, 28, 28]);
  const photos = torch.randn([1, 3, 64, 64]);
  const opt = new torch.optim.SGD(lenet.parameters(), { lr: 0.1, momentum: 0.9 });
  torch.scope(() => {
    lenet.train();
    lenet.forward(digits).sum().backward();
    opt.step();
    lenet.eval();
  });
  const outputs = torch.noGrad(() => ({
    lenet: lenet.forward(digits),
    disc: disc.forward(lenet.forward(digits)),
    resnet: resnet.forward(photos),
  }));
  const file = path.join(tmp(), 'iter_1.ckpt');
  saveCheckpoint(file, {
    meta: checkpointMeta(1),
    iteration: 1,
    models: { backbone: lenet.stateDict(), discriminator: disc.stateDict(), resnet: resnet.stateDict() },
    optimizers: { backbone: opt.stateDict() },
    lr_schedulers: {},
    schedules: {},
    rng: { torch_cpu: torch.getRngState() },
    samplers: {},
    hooks: { inputs: { digits, photos }, outputs },
    config: JSON.stringify({ trainer: { type: 'DANN' } }),
  });
  const result = runPython<Record<string, number | boolean | string>>(
    `
import sys, json, torch, torch.nn as nn, torchvision
ck = torch.load(sys.argv[1])
lenet = nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.ReLU(), nn.Conv2d(20, 50, 5), nn.Dropout2d(0.5),
                      nn.MaxPool2d(2), nn.ReLU(), nn.Flatten(1), nn.Linear(800, 500), nn.ReLU(), nn.Dropout(0.5))
disc = nn.Sequential(nn.Linear(500, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 1))
resnet = torchvision.models.resnet18(); resnet.fc = nn.Identity()
for name, m in [('backbone', lenet), ('discriminator', disc), ('resnet', resnet)]:
    m.load_state_dict(ck['models'][name], strict=True); m.eval()
x, p, out = ck['hooks']['inputs']['digits'], ck['hooks']['inputs']['photos'], ck['hooks']['outputs']
opt = torch.optim.SGD(lenet.parameters(), lr=0.1, momentum=0.9)
opt.load_state_dict(ck['optimizers']['backbone'])
with torch.no_grad():
    r = {'lenet': (lenet(x) - out['lenet']).abs().max().item(),
         'disc': (disc(lenet(x)) - out['disc']).abs().max().item(),
         'resnet': (resnet(p) - out['resnet']).abs().max().item()}
r['momentum_buffers'] = sum(1 for s in opt.state.values() if 'momentum_buffer' in s)
r['iteration'] = ck['iteration']
r['config'] = json.loads(ck['config'])['trainer']['type']
r['rng'] = str(ck['rng']['torch_cpu'].dtype)
print(json.dumps(r))
`,
    [file],
  );
  assert.ok((result.lenet as number) < 1e-5, `lenet diff ${result.lenet}`);
  assert.ok((result.disc as number) < 1e-5, `discriminator diff ${result.disc}`);
  assert.ok((result.resnet as number) < 1e-4, `resnet diff ${result.resnet}`);
  assert.equal(result.momentum_buffers, 6);
  assert.equal(result.iteration, 1);
  assert.equal(result.config, 'DANN');
  assert.equal(result.rng, 'torch.uint8');
});

test('a torchvision ResNet state dict loads as pretrained weights and matches PyTorch', { skip }, () => {
  loadBuiltins();
  const dir = tmp();
  const weights = path.join(dir, 'resnet18.pth');
  const input = path.join(dir, 'input.pt');
  torch.manualSeed(3);
  const x = torch.randn([2, 3, 48, 48]);
  fs.writeFileSync(input, torch.saveToBuffer({ x }));
  const expected = runPython<number[]>(
    `
import sys, json, torch, torchvision
torch.manual_seed(0)
m = torchvision.models.resnet18()
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d):
        mod.running_mean.uniform_(-0.1, 0.1); mod.running_var.uniform_(0.5, 1.5)
torch.save(m.state_dict(), sys.argv[1])
m.fc = torch.nn.Identity(); m.eval()
with torch.no_grad():
    print(json.dumps(m(torch.load(sys.argv[2])['x']).flatten().tolist()))
`,
    [weights, input],
  );
  const model = buildModel({ type: 'ResNet18', pretrained: weights }).eval();
  const got = torch.noGrad(() => flat(model.forward(x) as torch.Tensor));
  assertClose(got, expected, 1e-4, 'resnet18 features');
  model.dispose();
});

test('a TorchScript model trains inside fastda', { skip }, () => {
  loadBuiltins();
  const file = path.join(tmp(), 'mlp.pt');
  runPython(
    `
import sys, json, torch
class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 16)
        self.fc2 = torch.nn.Linear(16, 3)
    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
torch.jit.script(MLP()).save(sys.argv[1])
print(json.dumps(True))
`,
    [file],
  );
  const model = buildModel({ type: 'TorchScript', path: file });
  assert.deepEqual([...model.stateDict().keys()], ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  torch.manualSeed(0);
  const x = torch.randn([32, 4]);
  const y = x.sum(1).gt(0).long().add(x.select(1, 0).gt(0).long());
  const losses: number[] = [];
  for (let i = 0; i < 40; i++) {
    losses.push(
      torch.scope(() => {
        opt.zeroGrad();
        const loss = torch.functional.crossEntropy(model.forward(x) as torch.Tensor, y);
        loss.backward();
        opt.step();
        return loss.item();
      }),
    );
  }
  assert.ok((losses.at(-1) as number) < (losses[0] as number) * 0.5, `loss ${losses[0]} -> ${losses.at(-1)}`);
  model.eval();
  assert.equal(model.training, false);
});

test('a missing TorchScript file is a clear error', () => {
  loadBuiltins();
  assert.throws(() => buildModel({ type: 'TorchScript', path: '/nonexistent/model.pt' }), /TorchScript file not found: \/nonexistent\/model\.pt/);
});
