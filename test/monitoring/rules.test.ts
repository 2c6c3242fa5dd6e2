import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Monitoring, promtoolBin, renderMonitoring, writeRulesFile } from '../support/prometheus.ts';

const run = promisify(execFile);
const CASES = join(import.meta.dirname, 'alerts.promtool.yaml');

interface Cases {
  tests: { name: string; alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

describe("the chart's alert rules", () => {
  let dir: string;
  let monitoring: Monitoring;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rules-'));
    monitoring = await renderMonitoring();
    await writeRulesFile(dir, monitoring.rules);
    await copyFile(CASES, join(dir, 'alerts.promtool.yaml'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('pass promtool check rules', async () => {
    const { stdout } = await run(promtoolBin(), ['check', 'rules', join(dir, 'rules.yaml')]);
    const alerts = monitoring.rules.groups.flatMap((g) => g.rules);
    expect(stdout).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it('fire on broken series and stay quiet on healthy ones (promtool test rules)', async () => {
    const result = await run(promtoolBin(), ['test', 'rules', join(dir, 'alerts.promtool.yaml')]).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    const output = `${result.stdout}${result.stderr}`;
    expect(/SUCCESS/.test(output) && !/FAILED/.test(output), output).toBe(true);
  });

  it('are each tested: firing in some case, quiet in the healthy one, critical only where logins are at stake', async () => {
    const cases = load(await readFile(CASES, 'utf8')) as Cases;
    const checks = cases.tests.flatMap((t) => t.alert_rule_test.map((c) => ({ test: t.name, ...c })));
    const alerts = monitoring.rules.groups.flatMap((g) => g.rules);
    for (const { alert } of alerts) {
      expect(
        checks.some((c) => c.alertname === alert && c.exp_alerts.length > 0),
        alert,
      ).toBe(true);
      expect(
        checks.some(
          (c) => c.test === 'a healthy installation' && c.alertname === alert && !c.exp_alerts.length,
        ),
        alert,
      ).toBe(true);
    }
    expect(Object.fromEntries(alerts.map((a) => [a.alert, a.labels['severity']]))).toEqual({
      ScimLdapListenerDown: 'critical',
      ScimLdapRequestsFailing: 'warning',
      ScimLdapDirectoryUnreachable: 'critical',
      ScimLdapAllocationRangeLow: 'warning',
      ScimLdapCertificateExpiring: 'warning',
      ScimLdapCertificateExpired: 'critical',
      ScimLdapReconcilesFailing: 'warning',
      ScimLdapOperatorStuck: 'warning',
    });
  });
});
