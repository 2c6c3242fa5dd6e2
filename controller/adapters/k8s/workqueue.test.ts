import { describe, expect, it } from 'vitest';
import { createWorkQueue } from './workqueue.ts';

describe('work queue', () => {
  it('runs a key queued several times once, and again when queued while it runs', async () => {
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const queue = createWorkQueue({
      process: async (key) => {
        runs.push(key);
        if (runs.length === 1) await new Promise<void>((r) => (release = r));
      },
    });
    queue.add('a');
    queue.add('a');
    await new Promise((r) => setTimeout(r, 5));
    queue.add('a'); // while running
    release();
    await queue.idle();
    expect(runs).toEqual(['a', 'a']);
  });

  it('retries a failing key with growing delays until it succeeds', async () => {
    const times: number[] = [];
    const queue = createWorkQueue({
      baseDelayMs: 10,
      process: async () => {
        times.push(Date.now());
        if (times.length < 3) throw new Error('not yet');
      },
    });
    queue.add('k');
    await new Promise((r) => setTimeout(r, 5));
    await queue.idle();
    expect(times).toHaveLength(3);
    // 10 ms, then 20 ms of backoff at least.
    expect((times[2] as number) - (times[0] as number)).toBeGreaterThanOrEqual(30);
  });

  it('runs at most `concurrency` keys at once, in order', async () => {
    let active = 0;
    let peak = 0;
    const order: string[] = [];
    const queue = createWorkQueue({
      concurrency: 2,
      process: async (key) => {
        active++;
        peak = Math.max(peak, active);
        order.push(key);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      },
    });
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(key);
    await new Promise((r) => setTimeout(r, 1));
    await queue.idle();
    expect(peak).toBe(2);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('stops by finishing the keys running, dropping the queued ones and taking no more', async () => {
    const finished: string[] = [];
    let release: () => void = () => undefined;
    const queue = createWorkQueue({
      concurrency: 1,
      process: async (key) => {
        if (key === 'a') await new Promise<void>((r) => (release = r));
        finished.push(key);
      },
    });
    queue.add('a');
    queue.add('b');
    await new Promise((r) => setTimeout(r, 5));
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    queue.add('c');
    await new Promise((r) => setTimeout(r, 5));
    expect(stopped).toBe(false);
    release();
    await stopping;
    await new Promise((r) => setTimeout(r, 5));
    expect(finished).toEqual(['a']);
  });
});
