import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CryptReply, CryptRequest } from './crypt-worker.ts';

/** SHA-crypt on worker threads: a hash costs 10 ms or more of CPU, which the event loop must not spend. */
export interface CryptPool {
  /** The `{CRYPT}$6$…` value for a password. */
  hash(password: string): Promise<string>;
  /** How many threads run now, idle ones included. */
  threads(): number;
  /** Stops the threads; hashes still waiting are refused. */
  close(): Promise<void>;
}

/** Raised when a hash could not be computed (a thread failed or the pool was closed). */
export class CryptPoolError extends Error {
  public readonly code = 'CryptFailed';
  public override readonly name = 'CryptPoolError';
}

// Each thread is a V8 instance of its own, about 25 MiB resident, and the listener's limit is 512 MiB: four
// threads hash about 300 passwords a second, far beyond Entra's pace, whatever the node's core count.
const MAX_THREADS = 4;
// An idle thread gives its memory back after this long.
const IDLE_MS = 30_000;

// The worker's module beside this one: .ts when run from source, .js once built.
const WORKER_URL = new URL(`./crypt-worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url);

interface Job {
  request: CryptRequest;
  resolve(value: string): void;
  reject(error: Error): void;
}

/**
 * A pool of at most `size` threads (one per core, up to MAX_THREADS), started on demand and stopped after
 * IDLE_MS without work; idle threads do not keep the process alive.
 */
export function createCryptPool(
  size = Math.min(availableParallelism(), MAX_THREADS),
  idleMs = IDLE_MS,
): CryptPool {
  const idle: Worker[] = [];
  const running = new Map<Worker, Job>();
  const all = new Set<Worker>();
  const idleTimers = new Map<Worker, NodeJS.Timeout>();
  const queue: Job[] = [];
  let nextId = 0;
  let closed = false;

  function finish(worker: Worker, settle: (job: Job) => void): void {
    const job = running.get(worker);
    running.delete(worker);
    worker.unref();
    if (job) settle(job);
  }

  /** Out of the idle list, its idle timer stopped: it is about to work or to stop. */
  function dropIdle(worker: Worker): void {
    clearTimeout(idleTimers.get(worker));
    idleTimers.delete(worker);
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  }

  // Out of the idle list first, so no job goes to a thread that is stopping.
  function retire(worker: Worker): void {
    dropIdle(worker);
    void worker.terminate();
  }

  function spawn(): Worker {
    const worker = new Worker(WORKER_URL);
    all.add(worker);
    worker.on('message', (reply: CryptReply) => {
      finish(worker, (job) =>
        'value' in reply ? job.resolve(reply.value) : job.reject(new CryptPoolError(reply.error)),
      );
      idle.push(worker);
      idleTimers.set(worker, setTimeout(() => retire(worker), idleMs).unref());
      dispatch();
    });
    // An uncaught error ends the thread: its job fails, the next job gets a new thread.
    worker.on('error', (error) => finish(worker, (job) => job.reject(new CryptPoolError(error.message))));
    worker.on('exit', () => {
      all.delete(worker);
      dropIdle(worker);
      finish(worker, (job) => job.reject(new CryptPoolError('the hashing thread stopped')));
      dispatch();
    });
    return worker;
  }

  function dispatch(): void {
    while (!closed && queue.length > 0) {
      const worker = idle.pop() ?? (all.size < size ? spawn() : undefined);
      if (!worker) return;
      dropIdle(worker);
      const job = queue.shift() as Job;
      running.set(worker, job);
      worker.ref();
      worker.postMessage(job.request);
    }
  }

  return {
    hash(password) {
      if (closed) return Promise.reject(new CryptPoolError('the hashing pool is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ request: { id: nextId++, password }, resolve, reject });
        dispatch();
      });
    },
    threads: () => all.size,
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new CryptPoolError('the hashing pool is closed'));
      await Promise.all([...all].map((w) => w.terminate()));
    },
  };
}
