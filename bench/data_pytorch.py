"""PyTorch DataLoader reference for docs/benchmarks.md "Data loading".

Same pipeline as bench/data.ts: ImageList of Office-31 JPEGs, PIL decode +
convert('RGB'), RandomResizedCrop(224), RandomHorizontalFlip, ToTensor,
Normalize(ImageNet), batch 32, shuffle, drop_last, N worker processes.

    /usr/bin/python3 bench/data_pytorch.py <office_root> <list.txt> [<list.txt>...] --workers 2 --batches 100
    /usr/bin/python3 bench/data_pytorch.py - <images-idx3-ubyte> <labels-idx1-ubyte> --digits --batch 64
Prints one JSON line: {"images_per_s": ...} or {"batches_per_s": ...}.
"""
import argparse
import json
import os
import time

import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms as T


def cpu_seconds(pids):
    """user + system CPU seconds of processes (main process and loader workers)."""
    total = 0
    for pid in pids:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf('SC_CLK_TCK')


def pids_of(it):
    return [os.getpid()] + [w.pid for w in getattr(it, '_workers', [])]


class ImageList(Dataset):
    def __init__(self, root, lists, transform):
        self.samples = []
        for path in lists:
            with open(path) as f:
                for line in f:
                    if line.strip():
                        rel, label = line.split()
                        self.samples.append((os.path.join(root, rel), int(label)))
        self.transform = transform

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        path, label = self.samples[i]
        with open(path, 'rb') as f:
            img = Image.open(f).convert('RGB')
        return self.transform(img), label


class IdxDigits(Dataset):
    """MNIST-style IDX files, PIL image per sample, as torchvision.datasets.MNIST does."""

    def __init__(self, images, labels, transform):
        import gzip
        import numpy as np
        def read(path):
            opener = gzip.open if path.endswith('.gz') else open
            with opener(path, 'rb') as f:
                data = f.read()
            ndim = data[3]
            dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
        self.images = torch.from_numpy(read(images).copy())
        self.labels = torch.from_numpy(read(labels).astype('int64'))
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img = Image.fromarray(self.images[i].numpy(), mode='L')
        return self.transform(img), int(self.labels[i])


def train_loader(ds, a):
    return DataLoader(ds, batch_size=a.batch, shuffle=True, drop_last=True,
                      num_workers=a.workers, persistent_workers=a.workers > 0)


def time_loader(loader, warmup, batches, check=lambda x: None):
    """Takes warmup + batches batches, restarting the loader when it runs out.
    Returns the images, wall seconds and CPU seconds (this process and its
    workers) of the timed batches."""
    it = iter(loader)
    done, images, start, cpu0 = 0, 0, None, 0.0
    while done < warmup + batches:
        try:
            x, _ = next(it)
        except StopIteration:
            it = iter(loader)
            continue
        check(x)
        done += 1
        if done == warmup:
            start = time.perf_counter()
            cpu0 = cpu_seconds(pids_of(it))
        elif done > warmup:
            images += x.shape[0]
    return images, time.perf_counter() - start, cpu_seconds(pids_of(it)) - cpu0


def digits(a):
    tf = T.Compose([T.ToTensor(), T.Normalize(0.5, 0.5)])
    ds = IdxDigits(a.lists[0], a.lists[1], tf)
    loader = train_loader(ds, a)
    images, dt, _ = time_loader(loader, a.warmup, a.batches)
    n = images // a.batch
    print(json.dumps({'batches_per_s': n / dt, 'batches': n, 'seconds': dt, 'workers': a.workers}))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('root')
    p.add_argument('lists', nargs='+')
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--batches', type=int, default=100)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--digits', action='store_true', help='root is ignored; lists are <images.idx> <labels.idx>')
    a = p.parse_args()
    torch.set_num_threads(1)
    if a.digits:
        return digits(a)
    tf = T.Compose([
        T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(),
        T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])
    ds = ImageList(a.root, a.lists, tf)
    loader = train_loader(ds, a)

    def check(x):
        assert x.shape == (a.batch, 3, 224, 224)

    n, dt, cpu = time_loader(loader, a.warmup, a.batches, check)
    print(json.dumps({'images_per_s': n / dt, 'cpu_ms_per_image': 1000 * cpu / n, 'images': n, 'seconds': dt,
                      'workers': a.workers, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
