import { writeFile } from 'node:fs/promises';

/**
 * Hands one run's figures to bench/suite.ts, which sets BENCH_RESULT to a file path; a bench run by hand
 * prints its own table and skips this.
 */
export async function recordFigures(figures: Record<string, number>): Promise<void> {
  const path = process.env['BENCH_RESULT'];
  if (path) await writeFile(path, JSON.stringify(figures));
}
