// Data errors are the user's to fix (a missing file, a malformed list line, a
// label out of range): UsageErrors, printed without a stack trace.
import { UsageError } from '../util/errors';

export class DataError extends UsageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
  }
}
