// Runs reference computations in Debian's python3-torch. Tests that need it
// skip with a reason when it is missing, unless FASTDA_REQUIRE_PYTORCH=1
// (set by .ci/run, which installs it), where a missing PyTorch fails.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CANDIDATES = ['/usr/bin/python3', 'python3'];
let found: string | null | undefined;

export function pythonWithTorch(): string | null {
  if (found !== undefined) return found;
  found = null;
  for (const exe of CANDIDATES) {
    if (exe.startsWith('/') && !fs.existsSync(exe)) continue;
    const probe = spawnSync(exe, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
    if (probe.status === 0) {
      found = exe;
      break;
    }
  }
  if (!found && process.env.FASTDA_REQUIRE_PYTORCH === '1') {
    throw new Error('FASTDA_REQUIRE_PYTORCH=1 but no python3 with torch and torchvision was found (apt-get install python3-torch python3-torchvision)');
  }
  return found;
}

/** Reason to skip a PyTorch-reference test, or false when PyTorch is available. */
export function skipWithoutPyTorch(): string | false {
  return pythonWithTorch() ? false : 'python3 with torch/torchvision not installed (apt-get install python3-torch python3-torchvision)';
}

/** Runs a Python script (argv after it) and parses the JSON it prints last. */
export function runPython<T = unknown>(script: string, args: string[] = []): T {
  const exe = pythonWithTorch();
  if (!exe) throw new Error('python3 with torch is not available');
  // A real file, not -c: torch.jit.script reads the source of the classes it compiles.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastda-py-'));
  const file = path.join(dir, 'reference.py');
  fs.writeFileSync(file, script);
  const result = spawnSync(exe, [file, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  fs.rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`python failed (${result.status}):\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as T;
}
