// A one-line progress bar on stderr, only when stderr is a terminal.
import type { Hook } from '../hooks';
import type { Trainer } from '../trainer';
import { formatDuration } from './logger';

export class ProgressBarHook implements Hook {
  name = 'ProgressBar';
  priority = 'LOWEST';
  private start = 0;
  private startIter = 0;

  beforeRun(trainer: Trainer): void {
    this.start = performance.now();
    this.startIter = trainer.iter;
  }

  afterTrainIter(trainer: Trainer): void {
    const width = 30;
    const done = Math.round((width * trainer.iter) / trainer.maxIters);
    const rate = ((trainer.iter - this.startIter) * 1000) / Math.max(1, performance.now() - this.start);
    const eta = formatDuration((trainer.maxIters - trainer.iter) / rate);
    process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${trainer.iter}/${trainer.maxIters} ${rate.toFixed(1)} it/s eta ${eta} `);
    if (trainer.iter === trainer.maxIters) process.stderr.write('\n');
  }

  beforeVal(): void {
    process.stderr.write('\r\x1b[K');
  }
}
