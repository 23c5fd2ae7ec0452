#!/usr/bin/env node
// Builds the native addon with cmake-js after checking its prerequisites, so a
// missing libtorch or compiler ends in one clear message instead of a CMake trace.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const fix = 'Run `sudo bash scripts/setup.sh` (Debian/Ubuntu) or see docs/install.md.';

function fail(message) {
  console.error(`\nfastda: cannot build the native addon: ${message}\n${fix}\n`);
  process.exit(1);
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

// Where a TorchConfig.cmake may live: Torch_DIR, CMAKE_PREFIX_PATH, Debian's path.
function findTorch() {
  const candidates = [];
  if (process.env.Torch_DIR) candidates.push(process.env.Torch_DIR);
  for (const prefix of (process.env.CMAKE_PREFIX_PATH || '').split(path.delimiter).filter(Boolean)) {
    candidates.push(prefix, path.join(prefix, 'Torch'), path.join(prefix, 'share/cmake/Torch'));
  }
  candidates.push('/usr/lib/x86_64-linux-gnu/cmake/Torch', '/usr/lib/aarch64-linux-gnu/cmake/Torch');
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'TorchConfig.cmake')));
}

if (process.env.FASTDA_SKIP_NATIVE === '1') {
  console.log('fastda: FASTDA_SKIP_NATIVE=1, not building the native addon');
  process.exit(0);
}
if (!has('cmake')) fail('cmake is not installed.');
if (!has('c++') && !has('g++')) fail('no C++ compiler (g++) is installed.');
const torchDir = findTorch();
if (!torchDir) {
  fail('libtorch was not found (no TorchConfig.cmake in Torch_DIR, CMAKE_PREFIX_PATH or /usr/lib/<arch>/cmake/Torch).\n' +
    'Install Debian/Ubuntu\'s libtorch-dev, or point Torch_DIR at a libtorch\'s share/cmake/Torch.');
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const args = [cmakeJs, 'build', '--directory', root, `--CDTorch_DIR=${torchDir}`];
if (has('ninja')) args.push('--generator', 'Ninja');
const parallel = process.env.CMAKE_BUILD_PARALLEL_LEVEL || String(Math.max(1, require('node:os').availableParallelism()));
const result = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: parallel },
});
if (result.status !== 0) fail(`the CMake build failed (exit ${result.status}); the compiler output above says why.`);
