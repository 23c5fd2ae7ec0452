// A one-line progress bar on stderr, only when stderr is a terminal. The run
// logger erases it before each log line; the next iteration redraws it.
import type { Hook } from '../hooks';
import type { Trainer } from '../trainer';
import { formatDuration } from './logger';

export class ProgressBarHook implements Hook {
  name = 'ProgressBar';
  priority = 'LOWEST';
  private start = 0;
  private startIter = 0;
  private lastDraw = 0;

  beforeRun(trainer: Trainer): void {
    this.start = performance.now();
    this.startIter = trainer.iter;
  }

  afterTrainIter(trainer: Trainer): void {
    // Redraw at most 10 times a second: fast runs would flood the terminal.
    const now = performance.now();
    if (now - this.lastDraw < 100 && trainer.iter !== trainer.maxIters) return;
    this.lastDraw = now;
    const width = 30;
    const done = Math.round((width * trainer.iter) / trainer.maxIters);
    const rate = ((trainer.iter - this.startIter) * 1000) / Math.max(1, now - this.start);
    const eta = formatDuration((trainer.maxIters - trainer.iter) / rate);
    process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${trainer.iter}/${trainer.maxIters} ${rate.toFixed(1)} it/s eta ${eta} `);
    if (trainer.iter === trainer.maxIters) process.stderr.write('\n');
  }
}
