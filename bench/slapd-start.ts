// Median time to start a seeded throwaway slapd (until it answers a search) and to stop it, as each test file does.
// Run: node bench/slapd-start.ts [runs]
import { startSlapd } from '../test/support/slapd.ts';

const runs = Number(process.argv[2] ?? 10);
const starts: number[] = [];
const stops: number[] = [];
await (await startSlapd()).stop(); // generates the shared test certificates once, outside the measurement
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const slapd = await startSlapd();
  const t1 = performance.now();
  await slapd.stop();
  starts.push(t1 - t0);
  stops.push(performance.now() - t1);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
process.stdout.write(
  `slapd fixture, ${runs} runs: start median ${median(starts).toFixed(0)} ms (min ${Math.min(...starts).toFixed(0)}, max ${Math.max(...starts).toFixed(0)}), stop median ${median(stops).toFixed(0)} ms\n`,
);
