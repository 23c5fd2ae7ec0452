// Data loading throughput: fastda's loaders against PyTorch's DataLoader with
// torchvision transforms, the same pipeline and the same number of workers.
//
//   npm run build && node dist/bench/data.js [--workers 2] [--batches 60] [--repeats 3] [--no-pytorch]
//
// Office-31 pipeline: the 1795 real JPEGs of ../shared/data/office31_subset
// (webcam + amazon subset; the tar is extracted to a temp folder once),
// RandomResizedCrop(224), RandomHorizontalFlip, Normalize(ImageNet), batch 32.
// Digits: full MNIST train in memory, batch 64, Normalize(0.5, 0.5).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../src/torch';
import { buildTrainLoader, disposeBatch, type TrainLoader } from '../src/data';
import { dataBackend } from '../src/torch/data';
import { builtinMnistRoot, packageRoot } from '../src/data/paths';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}
const workers = Number(arg('workers', '2'));
const batches = Number(arg('batches', '60'));
const repeats = Number(arg('repeats', '3'));
const warmup = 5;
const withPytorch = !process.argv.includes('--no-pytorch');
const python = '/usr/bin/python3';

function officeData(): { root: string; list: string } {
  const shared = process.env.FASTDA_SHARED_DATA ?? path.resolve(packageRoot(), '..', 'shared', 'data');
  const dir = path.join(shared, 'office31_subset');
  const tar = path.join(dir, 'office31_subset_jpg.tar');
  if (!fs.existsSync(tar)) throw new Error(`Office-31 subset not found at ${dir} (set FASTDA_SHARED_DATA)`);
  const out = path.join(os.tmpdir(), 'fastda-bench-office31');
  if (!fs.existsSync(path.join(out, 'office', 'webcam'))) {
    fs.mkdirSync(out, { recursive: true });
    const r = spawnSync('tar', ['xf', tar, '-C', out], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('tar failed');
  }
  const list = path.join(out, 'all.txt');
  fs.writeFileSync(list, ['webcam.txt', 'amazon_subset.txt'].map((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim()).join('\n') + '\n');
  return { root: path.join(out, 'office'), list };
}

/** Batches per second, and CPU ms (all threads of this process) per batch. */
async function measure(loader: TrainLoader, n: number): Promise<{ perSecond: number; cpuMs: number }> {
  for (let i = 0; i < warmup; i++) disposeBatch(await loader.next());
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) disposeBatch(await loader.next());
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { perSecond: n / seconds, cpuMs: (used.user + used.system) / 1000 / n };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function pytorch(args: string[]): Record<string, number> | null {
  if (!withPytorch || !fs.existsSync(python)) return null;
  const script = path.join(packageRoot(), 'bench', 'data_pytorch.py');
  const r = spawnSync(python, [script, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) {
    console.error(`PyTorch reference failed:\n${r.stderr}`);
    return null;
  }
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as Record<string, number>;
}

async function main(): Promise<void> {
  torch.setNumThreads(1);
  const backend = dataBackend();
  console.log(`CPU: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}; native JPEG: ${backend.jpegLibrary ?? 'none (sharp)'}; workers ${workers}\n`);

  const office = officeData();
  const officeConfig = {
    type: 'ImageList',
    list: office.list,
    root: office.root,
    batch_size: 32,
    num_workers: workers,
    transforms: [
      { type: 'RandomResizedCrop', size: 224 },
      { type: 'RandomHorizontalFlip' },
      { type: 'Normalize', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    ],
  };
  const ours: number[] = [];
  const oursCpu: number[] = [];
  const theirs: number[] = [];
  const theirsCpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const loader = buildTrainLoader(officeConfig, { seed: r });
    const m = await measure(loader, batches);
    ours.push(m.perSecond * 32);
    oursCpu.push(m.cpuMs / 32);
    await loader.close();
    const ref = pytorch([office.root, office.list, '--workers', String(workers), '--batches', String(batches), '--warmup', String(warmup)]);
    if (ref) {
      theirs.push(ref.images_per_s as number);
      theirsCpu.push(ref.cpu_ms_per_image as number);
    }
  }
  const runs = (v: number[]) => v.map((x) => x.toFixed(0)).join(', ');
  console.log(`| Office-31 JPEGs, RandomResizedCrop 224 + flip + normalize, batch 32 | workers | images/s (median of ${repeats}) | CPU ms per image |`);
  console.log('|---|---|---|---|');
  console.log(`| fastda ImageList loader | ${workers} | ${median(ours).toFixed(0)} (runs: ${runs(ours)}) | ${median(oursCpu).toFixed(2)} |`);
  if (theirs.length) {
    console.log(`| PyTorch DataLoader + torchvision (PIL) | ${workers} | ${median(theirs).toFixed(0)} (runs: ${runs(theirs)}) | ${median(theirsCpu).toFixed(2)} |`);
  }

  const mnistRoot = builtinMnistRoot();
  if (!mnistRoot) return;
  const digitsRuns: Array<[string, Record<string, unknown>]> = [
    ['MNIST, Normalize', { type: 'MNIST', split: 'train', batch_size: 64, num_workers: workers, transforms: [{ type: 'Normalize', mean: 0.5, std: 0.5 }] }],
    [
      'USPS, Resize 28 (cached) + Normalize',
      { type: 'USPS', split: 'train', batch_size: 64, num_workers: workers, transforms: [{ type: 'Resize', size: 28 }, { type: 'Normalize', mean: 0.5, std: 0.5 }] },
    ],
    [
      'MNIST, RandomCrop 28 pad 2 + Normalize',
      { type: 'MNIST', split: 'train', batch_size: 64, num_workers: workers, transforms: [{ type: 'RandomCrop', size: 28, padding: 2 }, { type: 'Normalize', mean: 0.5, std: 0.5 }] },
    ],
  ];
  console.log('\n| in-memory digits, batch 64 | workers | batches/s |');
  console.log('|---|---|---|');
  for (const [label, config] of digitsRuns) {
    const perSecond: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const loader = buildTrainLoader(config, { seed: r });
      perSecond.push((await measure(loader, 2000)).perSecond);
      await loader.close();
    }
    console.log(`| fastda ${label} | ${workers} | ${median(perSecond).toFixed(0)} |`);
  }
  const ref = pytorch([
    '-',
    path.join(mnistRoot, 'train-images-idx3-ubyte'),
    path.join(mnistRoot, 'train-labels-idx1-ubyte'),
    '--digits',
    '--batch',
    '64',
    '--workers',
    String(workers),
    '--batches',
    '300',
  ]);
  if (ref) console.log(`| PyTorch DataLoader, MNIST as PIL images + ToTensor + Normalize | ${workers} | ${(ref.batches_per_s as number).toFixed(0)} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
