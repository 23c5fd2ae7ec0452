// ConfigError: one or more problems with a config, each naming the file (and
// line) the value came from, the key path, what was expected and, for
// near-miss names, a "did you mean". The CLI prints the message as is
// (no stack trace) and exits with code 2.
import { UsageError } from '../util/errors';
import { describeSource, formatPath, type Segment, type Source } from './sources';

export interface ConfigIssue {
  source?: Source;
  path?: Segment[];
  message: string;
  expected?: string;
  suggestion?: string;
  hint?: string;
}

const MAX_SHOWN = 20;

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.source ? `${describeSource(issue.source)}: ` : '';
  const key = issue.path && issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
  let text = `${where}${key}${issue.message}`;
  if (issue.suggestion) text += ` (did you mean '${issue.suggestion}'?)`;
  if (issue.expected) text += `\n    expected: ${issue.expected}`;
  if (issue.hint) text += `\n    hint: ${issue.hint}`;
  return text;
}

export class ConfigError extends UsageError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue | ConfigIssue[], options?: { cause?: unknown }) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(ConfigError.format(list), options);
    this.name = 'ConfigError';
    this.issues = list;
  }

  static format(issues: ConfigIssue[]): string {
    const shown = issues.slice(0, MAX_SHOWN).map(formatIssue);
    if (issues.length > MAX_SHOWN) shown.push(`... and ${issues.length - MAX_SHOWN} more problems`);
    if (issues.length <= 1) return issues[0]?.source ? `config error in ${shown[0]}` : `config error: ${shown[0] ?? ''}`;
    return `${issues.length} config errors:\n${shown.map((s) => `  ${s.replace(/\n/g, '\n  ')}`).join('\n')}`;
  }
}
