// Turns any error into an exit code and a message on stderr. Usage and
// config errors (exit 2) and run failures (exit 1) are printed without a
// stack trace unless --debug is given.
import { isUsageError } from '../util/errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.stack ?? String(current));
    current = current.cause;
    if (current !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}

export function reportError(error: unknown, debug: boolean, write: (text: string) => void = (t) => process.stderr.write(t)): number {
  const message = error instanceof Error ? error.message : String(error);
  if (isUsageError(error)) {
    write(`fastda: ${message}\n`);
    if (debug) write(`${stackOf(error)}\n`);
    return EXIT_USAGE;
  }
  const exitCode = (error as { exitCode?: unknown } | null)?.exitCode;
  if (error instanceof Error && error.name === 'InterruptedError' && typeof exitCode === 'number') {
    // A requested stop with the state saved: not a failure to debug.
    write(`fastda: ${message}\n`);
    return exitCode;
  }
  write(`fastda: run failed: ${message}\n`);
  write(debug ? `${stackOf(error)}\n` : 'fastda: run again with --debug for the stack trace\n');
  return EXIT_FAILURE;
}
