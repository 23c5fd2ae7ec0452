// Hook ordering: named priorities, numbers, and stable order for ties.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { HookList, PRIORITIES, resolvePriority, type Hook } from '../../src/engine/hooks';
import { isEvalIteration, classificationMetrics } from '../../src/engine/validator';

test('hooks run by priority, ties in registration order, for every event', async () => {
  const calls: string[] = [];
  const make = (name: string, priority?: Hook['priority']): Hook => ({
    name,
    priority,
    beforeRun: () => void calls.push(`${name}.beforeRun`),
    afterTrainIter: async () => {
      await new Promise((r) => setImmediate(r));
      calls.push(`${name}.afterTrainIter`);
    },
  });
  const list = new HookList();
  list.add(make('normal1'));
  list.add(make('lowest', 'LOWEST'));
  list.add(make('highest', 'highest'));
  list.add(make('normal2', 'NORMAL'));
  list.add(make('numeric', 45));
  await list.call('beforeRun', {} as never);
  await list.call('afterTrainIter', {} as never);
  const order = ['highest', 'numeric', 'normal1', 'normal2', 'lowest'];
  assert.deepEqual(calls, [...order.map((n) => `${n}.beforeRun`), ...order.map((n) => `${n}.afterTrainIter`)]);
  assert.throws(() => list.add(make('normal1')), /two hooks are named 'normal1'/);
});

test('priority names and errors', () => {
  assert.equal(resolvePriority(undefined), PRIORITIES.NORMAL);
  assert.equal(resolvePriority('very_low'), 90);
  assert.equal(resolvePriority(7), 7);
  assert.throws(() => resolvePriority('urgent'), /unknown hook priority 'urgent'/);
});

test('hook state is saved and restored by hook name', () => {
  const list = new HookList();
  let restored: unknown = null;
  list.add({ name: 'a', stateDict: () => ({ best: 3 }), loadStateDict: (s) => void (restored = s) });
  list.add({ name: 'b' });
  assert.deepEqual(list.stateDict(), { a: { best: 3 } });
  list.loadStateDict({ a: { best: 5 } });
  assert.deepEqual(restored, { best: 5 });
});

test('evaluation schedules: every N, FastDA milestones, always the last iteration', () => {
  assert.equal(isEvalIteration(500, 1000, 5000), true);
  assert.equal(isEvalIteration(500, 1001, 5000), false);
  assert.equal(isEvalIteration(undefined, 10, 10), true);
  const milestones = { 0: 1000, 8000: 200 };
  assert.equal(isEvalIteration(milestones, 2000, 10000), true);
  assert.equal(isEvalIteration(milestones, 2200, 10000), false);
  assert.equal(isEvalIteration(milestones, 8200, 10000), true);
  assert.equal(isEvalIteration({ 100: 50 }, 50, 1000), false, 'nothing before the first milestone');
});

test('accuracy and mean per-class accuracy from a confusion matrix', () => {
  // class 0: 8/10 right, class 1: 1/2 right -> acc 9/12, mean class (0.8+0.5)/2
  const m = classificationMetrics([[8, 2], [1, 1]]);
  assert.equal(m.acc, 75);
  assert.equal(m.mean_class_acc, 65);
});
