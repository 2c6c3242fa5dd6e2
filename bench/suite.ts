// The benchmark suite in one command: every bench several times, each run in its own process, then one table
// (median, min and max over the runs; ratios against the baselines each run measured beside its figure) on
// stdout and in docs/benchmarks.md between its markers.
// Run (as root, for nslcd): npm run bench -- [--runs N] [--quick] [--no-write]
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { type Row, type RunFigures, renderTable, replaceBetween } from './summary.ts';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a whole number above 0, not ${options.runs}`);
if (process.getuid?.() !== 0) throw new Error('the suite runs as root: the lock-out bench runs nslcd');

// --quick: small sizes, a check that the suite runs rather than a measurement.
const size = options.quick
  ? { creates: 200, users: 2000, connectors: 30, logins: 3, mappingRounds: 3 }
  : { creates: 3000, users: 100_000, connectors: 200, logins: 15, mappingRounds: 15 };
const count = (n: number) => n.toLocaleString('en-US');
const LISTING_PAGE = 100;

const BENCHES = [
  { script: 'listener.ts', args: [size.creates, size.users] },
  { script: 'operator.ts', args: [size.connectors] },
  { script: 'lockout.ts', args: [size.logins] },
  { script: 'mapping.ts', args: [size.mappingRounds] },
  { script: 'listing.ts', args: [size.users, LISTING_PAGE] },
];

const ROWS: Row[] = [
  {
    figure: 'users created per second through SCIM (matching GET + POST, 16 in parallel), no userPassword',
    key: 'scimCreatesPerSecond',
    unit: '/s',
    baseline: { key: 'ldapaddPerSecond', label: 'ldapadd of the same entries' },
  },
  {
    figure:
      'same, with the generated initial password (RandomString, CRYPT-SHA512), as the reference mapping',
    key: 'scimCreatesWithPasswordPerSecond',
    unit: '/s',
    baseline: { key: 'ldapaddPerSecond', label: 'ldapadd of the entries (no userPassword)' },
  },
  {
    figure: 'same, the generated password hashed with SSHA512 (passwordHash: SSHA512)',
    key: 'scimCreatesWithSsha512PerSecond',
    unit: '/s',
    baseline: { key: 'ldapaddPerSecond', label: 'ldapadd of the entries (no userPassword)' },
  },
  {
    figure: 'matching GET p99 while 16 clients create, no userPassword',
    key: 'getWhileCreatingP99Ms',
    unit: 'ms',
  },
  {
    figure: 'matching GET p99 while 16 clients create, with the generated password (CRYPT-SHA512)',
    key: 'getWhileCreatingWithPasswordP99Ms',
    unit: 'ms',
    baseline: { key: 'getWhileCreatingP99Ms', label: 'same, no userPassword' },
  },
  {
    figure: 'matching GET p99 while 16 clients create, with the generated password (SSHA512)',
    key: 'getWhileCreatingWithSsha512P99Ms',
    unit: 'ms',
    baseline: { key: 'getWhileCreatingP99Ms', label: 'same, no userPassword' },
  },
  {
    figure: 'users updated per second through SCIM (PATCH of two attributes, 16 in parallel)',
    key: 'scimUpdatesPerSecond',
    unit: '/s',
    baseline: { key: 'ldapmodifyPerSecond', label: 'ldapmodify of the same changes' },
  },
  { figure: `matching GET p50, ${count(size.users)} users`, key: 'getP50Ms', unit: 'ms' },
  { figure: `matching GET p99, ${count(size.users)} users`, key: 'getP99Ms', unit: 'ms' },
  { figure: 'listener CPU per create', key: 'listenerCpuPerCreateMs', unit: 'ms' },
  {
    figure: 'listener CPU per create with the generated password, CRYPT-SHA512 (all threads)',
    key: 'listenerCpuPerCreateWithPasswordMs',
    unit: 'ms',
  },
  { figure: 'listener CPU per update', key: 'listenerCpuPerUpdateMs', unit: 'ms' },
  { figure: 'listener CPU per matching GET', key: 'listenerCpuPerGetMs', unit: 'ms' },
  { figure: `listener RSS after the GETs, ${count(size.users)} users`, key: 'listenerRssMiB', unit: 'MiB' },
  {
    figure: 'operator: LdapConnector created → first status, p50',
    key: 'firstStatusP50Ms',
    unit: 'ms',
    baseline: { key: 'apiCreateP50Ms', label: 'API server create round trip' },
  },
  { figure: 'operator: same, p99', key: 'firstStatusP99Ms', unit: 'ms' },
  {
    figure: `operator: ${size.connectors - 20} connectors created at once → all with a status`,
    key: 'allConnectorsSeconds',
    unit: 's',
  },
  { figure: `operator RSS with ${size.connectors} connectors`, key: 'operatorRssMiB', unit: 'MiB' },
  {
    figure: `operator JavaScript heap used with ${size.connectors} connectors`,
    key: 'operatorHeapMiB',
    unit: 'MiB',
  },
  {
    figure: 'Linux lock-out: disable request → first refused login (nslcd, PAM)',
    key: 'lockoutMs',
    unit: 'ms',
    baseline: { key: 'disablePatchMs', label: 'the disable PATCH alone' },
  },
  {
    figure: 'mapping one user (contoso set)',
    key: 'mappingMicroseconds',
    unit: 'µs',
    baseline: { key: 'handWrittenMicroseconds', label: 'hand-written equivalent' },
  },
  {
    figure: `listing all ${count(size.users)} users, pages of ${LISTING_PAGE} (startIndex/count)`,
    key: 'listingSeconds',
    unit: 's',
  },
  { figure: `listing: page p99, ${count(size.users)} users`, key: 'listingPageP99Ms', unit: 'ms' },
];

const BEGIN = '<!-- bench/suite.ts: begin -->';
const END = '<!-- bench/suite.ts: end -->';
const root = join(import.meta.dirname, '..');

async function runBench(bench: (typeof BENCHES)[number], resultFile: string): Promise<RunFigures> {
  const args = [join(import.meta.dirname, bench.script), ...bench.args.map(String)];
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RESULT: resultFile },
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/${bench.script} exited with ${code}`);
  return JSON.parse(await readFile(resultFile, 'utf8')) as RunFigures;
}

const work = await mkdtemp(join(tmpdir(), 'bench-suite-'));
const started = Date.now();
try {
  // Runs interleave the benches (all of run 1, then all of run 2) so that a slow spell of the machine spreads
  // over every figure instead of spoiling one.
  const figures: RunFigures[] = [];
  for (let run = 0; run < runs; run++) {
    const merged: RunFigures = {};
    for (const bench of BENCHES) {
      process.stdout.write(`\n== run ${run + 1}/${runs}: bench/${bench.script}\n`);
      Object.assign(merged, await runBench(bench, join(work, `${run}-${bench.script}.json`)));
    }
    figures.push(merged);
  }
  const cpu = cpus();
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\`${options.quick ? ' (--quick sizes)' : ''}: ${runs} run${runs === 1 ? '' : 's'} of each bench, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${Math.round((Date.now() - started) / 1000)} s in all.`,
    '',
    renderTable(ROWS, figures),
  ].join('\n');
  process.stdout.write(`\n${section}\n`);
  if (!options['no-write']) {
    const path = join(root, 'docs', 'benchmarks.md');
    await writeFile(path, replaceBetween(await readFile(path, 'utf8'), BEGIN, END, section));
    // The project's formatter aligns the table, as the lint step of the test command expects.
    await promisify(execFile)(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', path]);
    process.stdout.write(`\nwritten to ${path}\n`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
