// Explicit tensor lifetime: dispose(), scope() and keep().
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';

const live = () => torch.liveTensorCount();

test('dispose frees the native tensor and is idempotent', () => {
  const before = live();
  const t = torch.ones([100]);
  assert.equal(live(), before + 1);
  t.dispose();
  assert.equal(live(), before);
  assert.equal(t.isDisposed, true);
  t.dispose();
  assert.equal(live(), before);
});

test('use after dispose is a clear error', () => {
  const t = torch.ones([2]);
  t.dispose();
  assert.throws(() => t.add(1), /used after dispose\(\)/);
  assert.throws(() => t.shape, /used after dispose\(\)/);
  assert.throws(() => torch.ones([2]).add(t), /'other' was used after dispose\(\)/);
});

test('views keep their storage alive after the base is disposed', () => {
  const base = torch.arange(6).view(2, 3);
  const row = base.index(1);
  base.dispose();
  assert.deepEqual(row.toArray(), [3, 4, 5]);
});

test('scope disposes intermediates and keeps what it returns', () => {
  const before = live();
  const x = torch.ones([3]);
  const result = torch.scope(() => {
    const a = x.mul(2);
    const b = a.add(1);
    return { out: b.sum(), list: [b.mean()], note: 'plain values pass through' };
  });
  assert.equal(live(), before + 3, 'x plus the two returned tensors');
  assert.equal(result.out.item(), 9);
  assert.equal((result.list[0] as torch.Tensor).item(), 3);
  assert.equal(x.isDisposed, false, 'tensors created outside are untouched');
  torch.dispose([x, result]);
  assert.equal(live(), before);
});

test('nested scopes hand returned tensors to the parent', () => {
  const before = live();
  torch.scope(() => {
    const inner = torch.scope(() => torch.ones([2]).mul(3));
    assert.equal(inner.isDisposed, false);
    assert.equal(torch.scopeDepth(), 1);
    return undefined;
  });
  assert.equal(live(), before, 'the inner result was freed with the outer scope');
  assert.equal(torch.scopeDepth(), 0);
});

test('keep() lets a tensor outlive every scope', () => {
  const before = live();
  let kept: torch.Tensor | undefined;
  torch.scope(() => {
    torch.scope(() => {
      kept = torch.keep(torch.ones([2]));
    });
  });
  assert.equal((kept as torch.Tensor).isDisposed, false);
  kept?.dispose();
  assert.equal(live(), before);
});

test('a throwing scope still frees what it created', () => {
  const before = live();
  assert.throws(() =>
    torch.scope(() => {
      torch.ones([10]);
      torch.ones([10]).matmul(torch.ones([3]));
    }),
  );
  assert.equal(live(), before);
  assert.equal(torch.scopeDepth(), 0);
});

test('scope refuses async functions', () => {
  assert.throws(() => torch.scope(async () => torch.ones([1])), /synchronous/);
});

test('a training step in a scope leaves only the parameters alive', () => {
  torch.manualSeed(0);
  const w = torch.randn([8, 4]).requiresGrad_();
  const before = live();
  for (let i = 0; i < 50; i++) {
    torch.scope(() => {
      const x = torch.randn([16, 8]);
      const loss = x.matmul(w).relu().mean();
      loss.backward();
      torch.noGrad(() => w.copy_(w.sub((w.grad as torch.Tensor).mul(0.1))));
      w.zeroGrad();
    });
  }
  assert.equal(live(), before);
});

test('optimizer steps leave only the parameters and their state alive', () => {
  for (const make of [
    (params: torch.Tensor[]) => new torch.optim.SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    (params: torch.Tensor[]) => new torch.optim.Adam(params, { lr: 0.1, amsgrad: true }),
  ]) {
    torch.manualSeed(0);
    const params = [torch.randn([8, 4]).requiresGrad_(), torch.zeros([4]).requiresGrad_()];
    const optimizer = make(params);
    const step = () =>
      torch.scope(() => {
        const loss = torch.randn([16, 8]).matmul(params[0] as torch.Tensor).add(params[1] as torch.Tensor).relu().mean();
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
      });
    step(); // creates the optimizer state
    const afterFirst = live();
    for (let i = 0; i < 20; i++) step();
    assert.equal(live(), afterFirst, optimizer.constructor.name);
  }
});

test('the GC frees tensors nobody disposed (safety net)', async (t) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return t.skip('run node with --expose-gc to check the finalizer');
  const before = live();
  for (let i = 0; i < 100; i++) torch.ones([10]);
  await new Promise((r) => setImmediate(r));
  gc();
  await new Promise((r) => setImmediate(r));
  assert.ok(live() < before + 100);
});
