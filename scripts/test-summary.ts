// Prints how many tests ran per suite, and fails when a server-backed suite did not really run.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface AssertionResult {
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled';
}
interface VitestJson {
  testResults: { name: string; assertionResults: AssertionResult[] }[];
}

// Suites that must execute against real servers: a skip there would hide a missing environment.
const SERVER_SUITES: Record<string, string> = {
  'test/ldap/': 'slapd',
  'test/listener/': 'slapd',
  'test/conformance/': 'slapd',
  'test/e2e/': 'nslcd',
  'test/k8s/': 'kube-apiserver',
  'test/cluster/': 'cluster',
};

function suiteOf(file: string): string {
  const path = relative(process.cwd(), file);
  const server = Object.entries(SERVER_SUITES).find(([prefix]) => path.startsWith(prefix));
  if (server) return server[1];
  return path.startsWith('test/') ? 'integration' : 'unit';
}

// One or more vitest JSON reports (the test command runs the cluster suite on its own).
const reports = (process.argv.length > 2 ? process.argv.slice(2) : ['test-results/vitest.json']).map(
  (path) => JSON.parse(readFileSync(path, 'utf8')) as VitestJson,
);
const counts = new Map<string, { passed: number; failed: number; skipped: number }>();
for (const file of reports.flatMap((report) => report.testResults)) {
  const suite = suiteOf(file.name);
  const count = counts.get(suite) ?? { passed: 0, failed: 0, skipped: 0 };
  for (const { status } of file.assertionResults) {
    if (status === 'passed') count.passed++;
    else if (status === 'failed') count.failed++;
    else count.skipped++;
  }
  counts.set(suite, count);
}

let ok = true;
for (const server of new Set(Object.values(SERVER_SUITES))) {
  const count = counts.get(server);
  if (!count || count.passed === 0 || count.skipped > 0) {
    console.error(
      `server-backed suite "${server}" did not fully run: ${JSON.stringify(count ?? 'no tests')}`,
    );
    ok = false;
  }
}
const total = { passed: 0, failed: 0, skipped: 0 };
for (const [suite, count] of [...counts].sort()) {
  process.stdout.write(
    `${suite}: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`,
  );
  total.passed += count.passed;
  total.failed += count.failed;
  total.skipped += count.skipped;
}
process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(ok && total.failed === 0 ? 0 : 1);
