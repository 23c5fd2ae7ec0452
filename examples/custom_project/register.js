// A research project's own components, registered into fastda's registries.
// fastda loads this file because config.yaml lists it under custom_imports.
//
// Inside your own project, require fastda's registries through the package:
//   const { trainers, hooks } = require('fastda/dist/src/registry');
// This example lives in the fastda repo, so it uses a relative path.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { trainers, hooks } = require('../../dist/src/registry');

// --- a hook type --------------------------------------------------------------
// Appends one line per event to a log file in the work dir.
class EventLogHook {
  constructor(options, context) {
    this.file = path.join(context.workDir, options.file);
    this.every = options.every;
  }
  log(line) {
    fs.appendFileSync(this.file, `${line}\n`);
  }
  beforeRun(trainer) {
    this.log(`before_run iter=${trainer.iter}`);
  }
  afterIter(trainer) {
    if (trainer.iter % this.every === 0) this.log(`after_iter iter=${trainer.iter}`);
  }
  afterRun(trainer) {
    this.log(`after_run iter=${trainer.iter}`);
  }
}

hooks.register('EventLog', {
  description: 'Example hook: logs before_run / after_iter / after_run to a file in the work dir',
  schema: {
    type: 'object',
    properties: {
      file: { type: 'string', default: 'events.log' },
      every: { type: 'integer', minimum: 1, default: 1, description: 'log every N iterations' },
    },
  },
  factory: (options, context) => new EventLogHook(options, context),
});

// --- a trainer (method) ---------------------------------------------------------
// Counts iterations up to max_iters, calls its hooks, saves a checkpoint (a
// small JSON file) every checkpoint_interval iterations and writes a result
// file at the end. Follows the engine contract in src/engine/contract.ts:
// factory(options, context) -> { run(), test(checkpoint) }.
class ToyCounter {
  constructor(options, context) {
    this.options = options;
    this.context = context;
    this.iter = 0;
    this.hooks = (context.config.hooks || []).map((cfg) => hooks.build(cfg, context));
  }

  call(event) {
    for (const hook of this.hooks) if (typeof hook[event] === 'function') hook[event](this);
  }

  saveCheckpoint() {
    const dir = path.join(this.context.workDir, 'checkpoints');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `iter_${this.iter}.ckpt`), JSON.stringify({ iter: this.iter }));
  }

  async run() {
    const { max_iters, checkpoint_interval, result_file } = this.options;
    let startedAt = 0;
    if (this.context.resumeFrom) {
      startedAt = JSON.parse(fs.readFileSync(this.context.resumeFrom, 'utf8')).iter;
      this.iter = startedAt;
    }
    this.call('beforeRun');
    while (this.iter < max_iters) {
      this.iter += 1;
      this.call('beforeIter');
      this.call('afterIter');
      if (this.iter % checkpoint_interval === 0) this.saveCheckpoint();
    }
    this.call('afterRun');
    const result = {
      iterations: this.iter,
      started_at: startedAt,
      mode: this.context.mode,
      seed: this.context.seed,
      device: this.context.device,
      nproc: this.context.nproc,
    };
    fs.writeFileSync(path.join(this.context.workDir, result_file), `${JSON.stringify(result, null, 2)}\n`);
  }

  async test(checkpoint) {
    const { iter } = JSON.parse(fs.readFileSync(checkpoint, 'utf8'));
    return { iterations: iter, progress: iter / this.options.max_iters };
  }
}

trainers.register('ToyCounter', {
  description: 'Example trainer: counts iterations up to max_iters, calling its hooks',
  schema: {
    type: 'object',
    required: ['max_iters'],
    properties: {
      max_iters: { type: 'integer', minimum: 1 },
      checkpoint_interval: { type: 'integer', minimum: 1, default: 5 },
      result_file: { type: 'string', default: 'result.json' },
    },
  },
  factory: (options, context) => new ToyCounter(options, context),
});
