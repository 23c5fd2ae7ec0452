// Error classes shared by every layer. A UsageError is the user's to fix
// (bad config, bad flag, unknown name): the CLI prints its message without a
// stack trace and exits with code 2. Anything else is a run failure (exit 1).

export class UsageError extends Error {
  readonly exitCode = 2;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

export function isUsageError(error: unknown): error is UsageError {
  // Duck-typed as well, so errors from a second copy of fastda (a user project
  // with its own node_modules/fastda) are still recognised.
  return (
    error instanceof UsageError ||
    (error instanceof Error && (error as { exitCode?: unknown }).exitCode === 2)
  );
}
