// Ctrl+C (SIGINT) or SIGTERM during training: finish the current iteration,
// save a checkpoint and exit, so `fastda resume` loses nothing. A second
// signal quits at once (the newest checkpoint on disk stays valid: writes are
// atomic).
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type WatchedSignal = keyof typeof SIGNAL_NUMBERS;

/** Raised by the trainer once it has saved its state after a signal. */
export class InterruptedError extends Error {
  /** 128 + the signal number, as a shell reports a process killed by it. */
  readonly exitCode: number;

  constructor(message: string, signal: WatchedSignal) {
    super(message);
    this.name = 'InterruptedError';
    this.exitCode = 128 + SIGNAL_NUMBERS[signal];
  }
}

export class InterruptWatch {
  /** The first signal received, or null. */
  signal: WatchedSignal | null = null;
  private readonly handlers = new Map<WatchedSignal, () => void>();

  constructor(notice: string) {
    for (const signal of Object.keys(SIGNAL_NUMBERS) as WatchedSignal[]) {
      const handler = () => {
        if (this.signal) {
          process.stderr.write(`\nfastda: ${signal} again: quitting now\n`);
          process.exit(128 + SIGNAL_NUMBERS[signal]);
        }
        this.signal = signal;
        process.stderr.write(`\nfastda: ${signal}: ${notice} (send it again to quit at once)\n`);
      };
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** Restores the default signal behaviour. */
  close(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
  }
}

/** Lets the event loop deliver signals (and other I/O) between iterations. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
