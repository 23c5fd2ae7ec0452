// The contract between the CLI and the engine (issue 6 implements the
// engine). The CLI builds the trainer named by `trainer.type` from the
// trainers registry as `factory(options, context)` and then calls `run()`
// (train and resume) or `test(checkpoint)`.

export type RunMode = 'train' | 'resume' | 'test';

export interface TrainerContext {
  /** The fully merged, validated config (what config.yaml in the work dir holds). */
  config: Record<string, any>;
  /** Absolute path of the work dir; exists, and holds config.yaml for train/resume. */
  workDir: string;
  /** 'cpu', 'cuda' or 'cuda:N'. */
  device: string;
  seed: number;
  /** Processes per node requested with --nproc (1 = no distribution). */
  nproc: number;
  mode: RunMode;
  /**
   * Set by `fastda resume`: the checkpoint given with --checkpoint, or else
   * the newest file under the work dir whose name ends in one of
   * CHECKPOINT_EXTENSIONS. The engine decides whether it is valid (it may
   * fall back to older checkpoints in `workDir`).
   */
  resumeFrom?: string;
  /** True when the user named the checkpoint (--checkpoint): no fallback to older ones. */
  resumeExplicit?: boolean;
}

export type Metrics = Record<string, number>;

export interface TrainerRunner {
  /** Trains from scratch, or resumes when `context.resumeFrom` is set. */
  run(): Promise<void>;
  /** Evaluates the given checkpoint on the test sets (`fastda test`). */
  test?(checkpoint: string): Promise<Metrics>;
}

export type TrainerFactory = (
  options: Record<string, any>,
  context: TrainerContext,
) => TrainerRunner | Promise<TrainerRunner>;

/** File name endings `fastda resume` treats as checkpoints when picking the newest. */
export const CHECKPOINT_EXTENSIONS = ['.ckpt', '.pth', '.pt'];
