import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, editDistance } from '../../src/util/suggest';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions as one edit', () => {
    assert.equal(editDistance('trainer', 'trainer'), 0);
    assert.equal(editDistance('trainr', 'trainer'), 1);
    assert.equal(editDistance('lr_mul', 'lr_mult'), 1);
    assert.equal(editDistance('SDG', 'SGD'), 1);
    assert.equal(editDistance('abc', ''), 3);
  });

  it('ignores case', () => {
    assert.equal(editDistance('Tensorboard', 'TensorBoard'), 0);
  });
});

describe('didYouMean', () => {
  it('returns the closest candidate within tolerance', () => {
    assert.equal(didYouMean('max_iter', ['max_iters', 'grl']), 'max_iters');
    assert.equal(didYouMean('Normalise', ['Normalize', 'Resize']), 'Normalize');
    assert.equal(didYouMean('modles', ['models', 'metrics']), 'models');
  });

  it('returns nothing when no candidate is close', () => {
    assert.equal(didYouMean('Zebra', ['DANN', 'SourceOnly']), undefined);
    assert.equal(didYouMean('x', []), undefined);
  });

  it('is strict for short names', () => {
    assert.equal(didYouMean('ab', ['xy']), undefined);
    assert.equal(didYouMean('lr', ['lx']), 'lx');
  });

  it('never suggests the input itself', () => {
    assert.equal(didYouMean('SGD', ['SGD']), undefined);
  });
});
