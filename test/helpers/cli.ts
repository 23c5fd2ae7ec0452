// Helpers for tests that run the real CLI (bin/fastda) as a child process
// and for tests that need config files on disk.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Compiled tests live in dist/test/<dir>/, the repo root is three levels up. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const binPath = path.join(repoRoot, 'bin', 'fastda');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');

/** A stack trace line as node prints it ("    at fn (file:1:2)"). */
export const STACK_LINE = /^\s{4}at /m;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [binPath, ...args],
      { cwd: options.cwd ?? repoRoot, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function tempDir(prefix = 'fastda-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `files` (relative path -> content) under `dir`, creating folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
