// Run logging: JSON lines (pino) in <workDir>/log.jsonl, appended across
// resumes, and readable lines on the console.
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';

/** Erases a progress bar (drawn on a terminal's stderr) before a log line. */
function clearProgressLine(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

export class RunLogger {
  private readonly json: pino.Logger;
  private readonly destination: pino.DestinationStream & { flushSync?: () => void; end?: () => void };
  private readonly quiet: boolean;

  constructor(workDir: string, options: { logLevel?: string; quiet?: boolean } = {}) {
    fs.mkdirSync(workDir, { recursive: true });
    this.destination = pino.destination({ dest: path.join(workDir, 'log.jsonl'), append: true, sync: true });
    this.json = pino({ base: null, level: options.logLevel ?? 'info', timestamp: pino.stdTimeFunctions.isoTime }, this.destination);
    this.quiet = options.quiet ?? false;
  }

  /** A console line plus a JSON record with `fields`. */
  info(line: string, fields: Record<string, unknown> = {}): void {
    this.json.info(fields, line);
    if (this.quiet) return;
    clearProgressLine();
    process.stdout.write(`${line}\n`);
  }

  warn(line: string, fields: Record<string, unknown> = {}): void {
    this.json.warn(fields, line);
    clearProgressLine();
    process.stderr.write(`warning: ${line}\n`);
  }

  /** A JSON record only (no console line). */
  record(fields: Record<string, unknown>, message = ''): void {
    this.json.info(fields, message);
  }

  close(): void {
    this.destination.flushSync?.();
  }
}
