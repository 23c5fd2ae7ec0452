// Losses against hand-written float64 formulas.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as torch from '../../src/torch';
import { assertClose, randomValues } from '../helpers/numeric';

const F = torch.functional;
const N = 4;
const C = 3;
const logits = randomValues(N * C, 11, -2, 2);
const labels = [0, 2, 1, 2];
const x = () => torch.tensor(logits, { dtype: 'float64', shape: [N, C] });
const y = () => torch.tensor(labels, { dtype: 'int64' });

function logProbRows(): number[][] {
  return Array.from({ length: N }, (_, i) => {
    const row = logits.slice(i * C, i * C + C);
    const lse = Math.log(row.reduce((a, b) => a + Math.exp(b), 0));
    return row.map((v) => v - lse);
  });
}

test('crossEntropy: mean, sum, none', () => {
  const nll = logProbRows().map((row, i) => -(row[labels[i] as number] as number));
  const mean = nll.reduce((a, b) => a + b, 0) / N;
  assertClose([F.crossEntropy(x(), y()).item()], [mean], 1e-12, 'mean');
  assertClose([F.crossEntropy(x(), y(), { reduction: 'sum' }).item()], [mean * N], 1e-12, 'sum');
  assertClose(Array.from(F.crossEntropy(x(), y(), { reduction: 'none' }).data() as Float64Array), nll, 1e-12, 'none');
});

test('crossEntropy with label smoothing, class weights and ignoreIndex', () => {
  const eps = 0.1;
  const rows = logProbRows();
  const smoothed = rows.map((row, i) => (1 - eps) * -(row[labels[i] as number] as number) + (eps / C) * row.reduce((a, b) => a - b, 0));
  assertClose([F.crossEntropy(x(), y(), { labelSmoothing: eps }).item()], [smoothed.reduce((a, b) => a + b, 0) / N], 1e-12, 'smoothing');

  const w = [1, 2, 0.5];
  const num = rows.reduce((acc, row, i) => acc - (w[labels[i] as number] as number) * (row[labels[i] as number] as number), 0);
  const den = labels.reduce((acc, l) => acc + (w[l] as number), 0);
  const weight = torch.tensor(w, { dtype: 'float64' });
  assertClose([F.crossEntropy(x(), y(), { weight }).item()], [num / den], 1e-12, 'weight');

  const ignored = torch.tensor([0, -100, 1, -100], { dtype: 'int64' });
  const kept = -((rows[0] as number[])[0] as number) - ((rows[2] as number[])[1] as number);
  assertClose([F.crossEntropy(x(), ignored).item()], [kept / 2], 1e-12, 'ignoreIndex');
  assert.throws(() => F.crossEntropy(x(), y(), { labelSmoothing: 2 }), /labelSmoothing must be in \[0, 1\]/);
});

test('crossEntropy accepts class-probability targets', () => {
  const soft = [0.7, 0.2, 0.1, 0, 0, 1, 0.3, 0.3, 0.4, 0.5, 0.5, 0];
  const rows = logProbRows();
  let total = 0;
  rows.forEach((row, i) => row.forEach((lp, c) => (total -= (soft[i * C + c] as number) * lp)));
  const target = torch.tensor(soft, { dtype: 'float64', shape: [N, C] });
  assertClose([F.crossEntropy(x(), target).item()], [total / N], 1e-12, 'soft targets');
});

test('nllLoss on log-probabilities equals crossEntropy on logits', () => {
  const viaNll = F.nllLoss(F.logSoftmax(x(), 1), y()).item();
  assertClose([viaNll], [F.crossEntropy(x(), y()).item()], 1e-12);
});

test('binary cross entropy, with and without logits', () => {
  const z = randomValues(5, 12, -3, 3);
  const t = [1, 0, 1, 0.5, 0];
  const p = z.map((v) => 1 / (1 + Math.exp(-v)));
  const bce = p.map((pi, i) => -((t[i] as number) * Math.log(pi) + (1 - (t[i] as number)) * Math.log(1 - pi)));
  const mean = bce.reduce((a, b) => a + b, 0) / 5;
  const zt = torch.tensor(z, { dtype: 'float64' });
  const tt = torch.tensor(t, { dtype: 'float64' });
  assertClose([F.binaryCrossEntropy(zt.sigmoid(), tt).item()], [mean], 1e-12, 'bce');
  assertClose([F.binaryCrossEntropyWithLogits(zt, tt).item()], [mean], 1e-12, 'bce logits');
  const pw = 3;
  const weighted = p.map((pi, i) => -(pw * (t[i] as number) * Math.log(pi) + (1 - (t[i] as number)) * Math.log(1 - pi)));
  assertClose(
    [F.binaryCrossEntropyWithLogits(zt, tt, { posWeight: torch.tensor([pw], { dtype: 'float64' }), reduction: 'sum' }).item()],
    [weighted.reduce((a, b) => a + b, 0)],
    1e-12,
    'posWeight',
  );
});

test('mseLoss and klDiv', () => {
  const a = randomValues(6, 13);
  const b = randomValues(6, 14);
  const mse = a.reduce((acc, v, i) => acc + (v - (b[i] as number)) ** 2, 0) / 6;
  const ta = torch.tensor(a, { dtype: 'float64', shape: [2, 3] });
  const tb = torch.tensor(b, { dtype: 'float64', shape: [2, 3] });
  assertClose([F.mseLoss(ta, tb).item()], [mse], 1e-12, 'mse');

  const logQ = F.logSoftmax(ta, 1);
  const pTarget = F.softmax(tb, 1);
  const lq = Array.from(logQ.data() as Float64Array);
  const pt = Array.from(pTarget.data() as Float64Array);
  const kl = pt.reduce((acc, p, i) => acc + p * (Math.log(p) - (lq[i] as number)), 0);
  assertClose([F.klDiv(logQ, pTarget, { reduction: 'batchmean' }).item()], [kl / 2], 1e-12, 'kl batchmean');
  assertClose([F.klDiv(logQ, pTarget, { reduction: 'sum' }).item()], [kl], 1e-12, 'kl sum');
  assertClose([F.klDiv(logQ, pTarget.log(), { reduction: 'sum', logTarget: true }).item()], [kl], 1e-12, 'kl logTarget');
});

test('dropout zeroes with probability p and rescales; identity in eval', () => {
  torch.manualSeed(3);
  const ones = torch.ones([10000], { dtype: 'float64' });
  const out = Array.from(F.dropout(ones, 0.3, true).data() as Float64Array);
  const zeros = out.filter((v) => v === 0).length / out.length;
  assert.ok(Math.abs(zeros - 0.3) < 0.03, `dropped fraction ${zeros}`);
  assert.ok(out.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.7) < 1e-12));
  assert.deepEqual(F.dropout(ones, 0.3, false).sum().item(), 10000);
  const w = torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' });
  assert.deepEqual(F.linear(torch.tensor([[1, 1]], { dtype: 'float64' }), w, torch.tensor([1, 0, -1], { dtype: 'float64' })).toArray(), [[4, 7, 10]]);
});
