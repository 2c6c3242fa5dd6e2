// Linux lock-out delay: the time from sending Entra's disable (PATCH active "False") to the first login that
// PAM refuses through nslcd, and the time of the PATCH alone. nslcd keeps no cache, so the difference is one
// PAM round trip. Needs root (nslcd runs from /etc/nslcd.conf, set aside and restored).
// Run: node bench/lockout.ts [runs]
import { performance } from 'node:perf_hooks';
import { manifests, startTestListener } from '../test/support/listener.ts';
import { startNslcd } from '../test/support/nslcd.ts';
import { startSlapd } from '../test/support/slapd.ts';
import { recordFigures } from './report.ts';

const runs = Number(process.argv[2] ?? 15);
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PASSWORD = 'Ann-Passw0rd!';
const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

const slapd = await startSlapd();
const listener = await startTestListener({ 'ldap.yaml': manifests(slapd) });
const nslcd = await startNslcd({
  uri: slapd.ldapUrl,
  base: slapd.baseDN,
  bindDN: slapd.adminDN,
  bindPW: slapd.adminPassword,
});
try {
  const created = await listener.scim('POST', '/scim/Users', {
    userName: 'ann@example.org',
    displayName: 'ann',
    name: { familyName: 'ann' },
    password: PASSWORD,
  });
  const setActive = (value: string) =>
    listener.scim('PATCH', `/scim/Users/${created.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'active', value }],
    });
  const lockout: number[] = [];
  const patchOnly: number[] = [];
  let mostAttempts = 0;
  for (let i = 0; i < runs; i++) {
    if (!(await nslcd.login('ann', PASSWORD))) throw new Error('ann cannot log in before the disable');
    const start = performance.now();
    await setActive('False');
    patchOnly.push(performance.now() - start);
    let attempts = 1;
    while (await nslcd.login('ann', PASSWORD)) attempts++;
    mostAttempts = Math.max(mostAttempts, attempts);
    lockout.push(performance.now() - start);
    await setActive('True');
  }
  const l = stats(lockout);
  const p = stats(patchOnly);
  process.stdout.write(
    [
      `runs: ${runs}`,
      `disable request to first refused login: median ${ms(l.median)} (min ${ms(l.min)}, max ${ms(l.max)})`,
      `the PATCH alone:                        median ${ms(p.median)} (min ${ms(p.min)}, max ${ms(p.max)})`,
      `logins tried until one was refused: at most ${mostAttempts}`,
      '',
    ].join('\n'),
  );
  await recordFigures({ lockoutMs: l.median, disablePatchMs: p.median });
} finally {
  await nslcd.stop();
  await listener.close();
  await slapd.stop();
}
