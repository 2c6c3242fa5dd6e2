// Pure part of the benchmark suite: from the figures of several runs to one Markdown table.

/** One line of the table: a figure a bench records, and optionally the baseline measured beside it. */
export interface Row {
  figure: string;
  key: string;
  unit: string;
  baseline?: { key: string; label: string };
}

export type RunFigures = Record<string, number>;

export interface Stats {
  median: number;
  min: number;
  max: number;
}

export function stats(values: readonly number[]): Stats {
  if (values.length === 0) throw new Error('no values to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median =
    sorted.length % 2 === 1
      ? (sorted[Math.floor(middle)] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/** Decimals by magnitude: 1234 -> "1,234", 12.34 -> "12.3", 4.237 -> "4.24", 0.0123 -> "0.012". */
export function format(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The figure's value in every run, failing with the figure's name when a run did not record it. */
function valuesOf(runs: readonly RunFigures[], key: string, figure: string): number[] {
  return runs.map((run, index) => {
    const value = run[key];
    if (value === undefined || !Number.isFinite(value))
      throw new Error(`run ${index + 1} recorded no ${key} (${figure})`);
    return value;
  });
}

/**
 * The table: median, min and max over the runs; the baseline's median; and the ratio figure / baseline taken
 * within each run (both measured side by side), then its median.
 */
export function renderTable(rows: readonly Row[], runs: readonly RunFigures[]): string {
  const lines = [
    '| figure | median | min – max | baseline (same run), median | ratio, median |',
    '| --- | --: | --: | --- | --: |',
  ];
  for (const row of rows) {
    const values = valuesOf(runs, row.key, row.figure);
    const s = stats(values);
    let baseline = '';
    let ratio = '';
    if (row.baseline) {
      const base = valuesOf(runs, row.baseline.key, row.baseline.label);
      baseline = `${row.baseline.label}: ${format(stats(base).median)} ${row.unit}`;
      ratio = `${format(stats(values.map((v, i) => v / (base[i] as number))).median)}x`;
    }
    lines.push(
      `| ${row.figure} | ${format(s.median)} ${row.unit} | ${format(s.min)} – ${format(s.max)} | ${baseline} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/** Replaces what stands between the two marker lines of a document; fails when they are missing. */
export function replaceBetween(document: string, begin: string, end: string, content: string): string {
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`the document has no ${begin} ... ${end} section`);
  return `${document.slice(0, start + begin.length)}\n${content}\n${document.slice(stop)}`;
}
