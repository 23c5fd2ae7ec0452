// libtorch failures reach JS as ordinary errors with libtorch's message and
// no C++ backtrace; bad arguments name the argument.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';
import { native } from '../../src/torch/native';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected an error');
}

const noBacktrace = (e: Error) => {
  assert.doesNotMatch(e.message, /Exception raised from|frame #\d|\.cpp:\d+/, e.message);
};

test('shape mismatch', () => {
  const e = errorOf(() => torch.ones([2, 3]).matmul(torch.ones([2, 3])));
  assert.match(e.message, /mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
  noBacktrace(e);
});

test('bad dtype for an op', () => {
  const e = errorOf(() => torch.ones([2], { dtype: 'int64' }).mean());
  assert.match(e.message, /mean\(\): could not infer output dtype|Long/);
  noBacktrace(e);
  assert.throws(() => torch.zeros([2], { dtype: 'complex64' as torch.DType }), /unknown dtype 'complex64'/);
});

test('index out of range', () => {
  const e = errorOf(() => torch.ones([3]).narrow(0, 2, 5));
  assert.match(e.message, /start \(2\) \+ length \(5\) exceeds dimension size \(3\)/);
  noBacktrace(e);
  assert.throws(() => torch.ones([3]).size(3), /dimension 3 out of range/);
  const ce = errorOf(() => torch.functional.crossEntropy(torch.ones([2, 3]), torch.tensor([0, 7], { dtype: 'int64' })));
  assert.match(ce.message, /out of bounds|Target 7 is out of bounds/);
  noBacktrace(ce);
});

test('wrong argument types name the argument', () => {
  assert.throws(() => native.add({} as never, 1), /expected a tensor for 'input'/);
  assert.throws(() => native.zeros([1.5] as number[], null, null), /expected an integer for 'shape'/);
  assert.throws(() => native.sum(torch.ones([2]).handle, 'x' as never, false), /expected an array of integers for 'dim'/);
  assert.throws(() => torch.tensor(new Float32Array(5), { shape: [2, 2] }), /data has 5 elements but shape \[2, 2\] needs 4/);
  assert.throws(() => torch.tensor([[1, 2], [3]]), /ragged nested array/);
  assert.throws(() => torch.tensor(new Int16Array(2)), /unsupported typed array Int16Array/);
  assert.throws(() => torch.ones([2]).clamp(), /needs at least one of min and max/);
});

test('item() on a multi-element tensor', () => {
  assert.throws(() => torch.ones([2]).item(), /item\(\) needs a tensor with exactly one element, got shape \[2\]/);
});
