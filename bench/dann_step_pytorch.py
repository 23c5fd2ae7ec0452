# The DANN step of bench/dann_step.ts in PyTorch (same layers, batch, GRL and
# optimizer), for comparison.   python3 bench/dann_step_pytorch.py [steps] [threads]
import os
import sys
import time

# fastda's setNumThreads also sizes OpenBLAS's own thread pool; do the same
# here unless the caller chose (OpenBLAS otherwise uses every core for
# matrix products, whatever torch.set_num_threads says).
os.environ.setdefault("OPENBLAS_NUM_THREADS", sys.argv[2] if len(sys.argv) > 2 else "1")

import torch  # noqa: E402  (after the environment is set)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.manual_seed(0)
torch.set_num_threads(threads)


class GradReverse(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, coeff):
        ctx.coeff = coeff
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return grad.neg() * ctx.coeff, None


backbone = nn.Sequential(
    nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.ReLU(),
    nn.Conv2d(20, 50, 5), nn.Dropout2d(0.5), nn.MaxPool2d(2), nn.ReLU(),
    nn.Flatten(1), nn.Linear(800, 500), nn.ReLU(), nn.Dropout(0.5))
head = nn.Linear(500, 10)
discriminator = nn.Sequential(
    nn.Linear(500, 1024), nn.BatchNorm1d(1024), nn.ReLU(),
    nn.Linear(1024, 1024), nn.BatchNorm1d(1024), nn.ReLU(), nn.Linear(1024, 1))
models = [backbone, head, discriminator]
params = [p for m in models for p in m.parameters()]
optimizer = torch.optim.SGD(params, lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-3)
source = torch.randn(64, 1, 28, 28)
target = torch.randn(64, 1, 28, 28)
labels = torch.randint(0, 10, (64,))
domain_labels = torch.cat([torch.ones(64), torch.zeros(64)])


def step():
    for m in models:
        m.train()
    features = backbone(torch.cat([source, target]))
    loss_cls = F.cross_entropy(head(features)[:64], labels)
    domain_logits = discriminator(GradReverse.apply(features, 0.5)).flatten()
    loss = loss_cls + F.binary_cross_entropy_with_logits(domain_logits, domain_labels)
    optimizer.zero_grad()
    loss.item()
    loss.backward()
    optimizer.step()


for _ in range(20):
    step()
start = time.perf_counter()
for _ in range(steps):
    step()
ms = (time.perf_counter() - start) * 1000 / steps
print(f"PyTorch {torch.__version__} DANN step (LeNet, 64+64, {threads} thread{'s' if threads > 1 else ''}): {ms:.2f} ms")
