/**
 * A keyed work queue: a key queued several times runs once, never twice at the same time (a key queued while
 * running runs again after), at most `concurrency` keys at once, and a failed key retries with exponential
 * backoff.
 */
export interface WorkQueueOptions {
  process: (key: string) => Promise<void>;
  onError?: (key: string, error: unknown) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Keys processed at the same time (default 4). */
  concurrency?: number;
}

export function createWorkQueue(options: WorkQueueOptions) {
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 60_000;
  const concurrency = options.concurrency ?? 4;
  // Insertion order makes the queue first in, first out.
  const queued = new Set<string>();
  const running = new Set<string>();
  const dirty = new Set<string>();
  const failures = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  let idle: (() => void)[] = [];
  let drained: (() => void)[] = [];

  const settleIdle = () => {
    if (running.size === 0) {
      for (const resolve of drained) resolve();
      drained = [];
    }
    if (queued.size === 0 && running.size === 0 && timers.size === 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  };

  function pump(): void {
    if (stopped) return;
    for (const key of queued) {
      if (running.size >= concurrency) return;
      if (!running.has(key)) void run(key);
    }
  }

  async function run(key: string): Promise<void> {
    queued.delete(key);
    running.add(key);
    try {
      await options.process(key);
      failures.delete(key);
    } catch (error) {
      const attempt = (failures.get(key) ?? 0) + 1;
      failures.set(key, attempt);
      options.onError?.(key, error);
      if (!stopped) {
        const delay = Math.min(max, base * 2 ** (attempt - 1));
        clearTimeout(timers.get(key));
        timers.set(
          key,
          setTimeout(() => {
            timers.delete(key);
            add(key);
          }, delay).unref(),
        );
      }
    } finally {
      running.delete(key);
      if (dirty.delete(key)) add(key);
      pump();
      settleIdle();
    }
  }

  function add(key: string): void {
    if (stopped) return;
    if (running.has(key)) {
      dirty.add(key);
      return;
    }
    if (queued.has(key)) return;
    queued.add(key);
    queueMicrotask(pump);
  }

  return {
    add,
    get depth(): number {
      return queued.size + running.size;
    },
    /** Resolves when nothing is queued, running or waiting to retry. */
    idle: () =>
      new Promise<void>((resolve) => {
        idle.push(resolve);
        settleIdle();
      }),
    /** Takes no more keys, drops the queued ones and resolves once the running ones have finished. */
    stop(): Promise<void> {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      queued.clear();
      dirty.clear();
      return new Promise<void>((resolve) => {
        drained.push(resolve);
        settleIdle();
      });
    },
  };
}

export type WorkQueue = ReturnType<typeof createWorkQueue>;
