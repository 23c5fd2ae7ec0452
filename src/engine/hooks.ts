// Hooks: objects whose optional methods run at fixed points of a run, ordered
// by priority (lower runs first) and, for equal priority, by registration.
import type { Batch } from '../data';
import type { Metrics } from './contract';

export const PRIORITIES = {
  HIGHEST: 0,
  VERY_HIGH: 10,
  HIGH: 30,
  ABOVE_NORMAL: 40,
  NORMAL: 50,
  BELOW_NORMAL: 60,
  LOW: 70,
  VERY_LOW: 90,
  LOWEST: 100,
} as const;

export type PriorityName = keyof typeof PRIORITIES;

/** The part of a trainer hooks see (avoids a circular import of Trainer). */
export interface RunState {
  iter: number;
  maxIters: number;
  workDir: string;
  outputs: Record<string, number>;
  timing: { data: number; step: number };
  lrs(): Record<string, number>;
}

export interface Hook {
  /** Unique within a run; names hook state in checkpoints (default: the class name). */
  name?: string;
  priority?: number | PriorityName | string;
  beforeRun?(run: RunState): void | Promise<void>;
  beforeTrainIter?(run: RunState): void | Promise<void>;
  afterTrainIter?(run: RunState): void | Promise<void>;
  beforeVal?(run: RunState): void | Promise<void>;
  afterValIter?(run: RunState, batch: Batch, batchIndex: number, loader: string): void | Promise<void>;
  afterVal?(run: RunState, metrics: Metrics): void | Promise<void>;
  afterRun?(run: RunState): void | Promise<void>;
  stateDict?(): unknown;
  loadStateDict?(state: unknown): void;
}

export type HookEvent = 'beforeRun' | 'beforeTrainIter' | 'afterTrainIter' | 'beforeVal' | 'afterValIter' | 'afterVal' | 'afterRun';

export function resolvePriority(priority: Hook['priority']): number {
  if (priority === undefined) return PRIORITIES.NORMAL;
  if (typeof priority === 'number') return priority;
  const key = priority.toUpperCase() as PriorityName;
  if (key in PRIORITIES) return PRIORITIES[key];
  throw new Error(`unknown hook priority '${priority}' (use a number or one of ${Object.keys(PRIORITIES).join(', ')})`);
}

export function hookName(hook: Hook): string {
  return hook.name ?? hook.constructor.name;
}

/** Hooks sorted by priority; equal priorities keep their registration order. */
export class HookList {
  private readonly entries: { hook: Hook; priority: number; order: number }[] = [];

  add(hook: Hook, priority?: Hook['priority']): void {
    const name = hookName(hook);
    if (this.entries.some((e) => hookName(e.hook) === name)) throw new Error(`two hooks are named '${name}'; give one a distinct name`);
    this.entries.push({ hook, priority: resolvePriority(priority ?? hook.priority), order: this.entries.length });
    this.entries.sort((a, b) => a.priority - b.priority || a.order - b.order);
  }

  get hooks(): Hook[] {
    return this.entries.map((e) => e.hook);
  }

  find<T extends Hook>(predicate: (hook: Hook) => hook is T): T | undefined {
    return this.hooks.find(predicate);
  }

  async call<E extends HookEvent>(event: E, ...args: Parameters<NonNullable<Hook[E]>>): Promise<void> {
    for (const { hook } of this.entries) {
      const fn = hook[event] as ((...a: unknown[]) => unknown) | undefined;
      if (fn) await fn.apply(hook, args);
    }
  }

  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const hook of this.hooks) if (hook.stateDict) out[hookName(hook)] = hook.stateDict();
    return out;
  }

  loadStateDict(state: Record<string, unknown>): void {
    for (const hook of this.hooks) {
      const saved = state[hookName(hook)];
      if (saved !== undefined && hook.loadStateDict) hook.loadStateDict(saved);
    }
  }
}
