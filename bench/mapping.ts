// Median time to map one SCIM user to its LDAP entry with the reference (contoso) mapping set, against a
// hand-written function producing the same entry, measured in the same process.
// Run: node bench/mapping.ts [rounds] [iterations per round]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadResources } from '../controller/config/load.ts';
import type { LdapConnector } from '../controller/config/types.ts';
import { compileMappingSet } from '../controller/core/mapping/mapping-set.ts';
import { toLdap } from '../controller/core/mapping/to-ldap.ts';
import { systemContext } from '../controller/listener/context.ts';
import { recordFigures } from './report.ts';

const rounds = Number(process.argv[2] ?? 15);
const iterations = Number(process.argv[3] ?? 20_000);
const dir = join(import.meta.dirname, '..', 'examples', 'contoso');
const resources = loadResources(
  ['connector.yaml', 'users.yaml'].map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') })),
);
const set = compileMappingSet(
  resources[0] as LdapConnector,
  resources.filter((r) => r.kind === 'AttributeMapping'),
);
const user = JSON.parse(readFileSync(join(dir, 'user.json'), 'utf8')) as Record<string, unknown>;
const ctx = systemContext();
const RANDOM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%';

/** The same entry, computed by hand: what the engine's generality costs is the ratio to this. */
function handWritten(u: Record<string, unknown>) {
  const userName = String(u['userName']);
  const uid = (userName.split('@').find((w) => w !== '') ?? '').toLowerCase();
  const bytes = ctx.randomBytes(20);
  let password = '';
  for (const b of bytes) password += RANDOM[b % RANDOM.length];
  return {
    dn: `uid=${uid},dc=contoso,dc=lab`,
    attributes: {
      objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'],
      cn: [String(u['displayName'])],
      sn: [String((u['name'] as Record<string, unknown>)['familyName'])],
      mail: [userName],
      uid: [uid],
      gidNumber: ['10000'],
      homeDirectory: [`/home/${uid}`],
      loginShell: ['/bin/bash'],
      userPassword: [password],
    },
  };
}

function measure(fn: () => unknown): number[] {
  const perOp: number[] = [];
  for (let i = 0; i < iterations; i++) fn(); // warm-up
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    perOp.push(Number(process.hrtime.bigint() - start) / iterations / 1000);
  }
  return perOp.sort((a, b) => a - b);
}

const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] as number;
const engine = measure(() => toLdap(set, user, 'create', ctx));
const baseline = measure(() => handWritten(user));
const row = (name: string, xs: number[]) =>
  `| ${name} | ${median(xs).toFixed(2)} | ${(xs[0] as number).toFixed(2)} | ${(xs[xs.length - 1] as number).toFixed(2)} |`;
process.stdout.write(
  [
    `contoso mapping set (10 mappings), ${rounds} rounds of ${iterations} users, Node ${process.version}`,
    '',
    '| mapping one user | median µs | min µs | max µs |',
    '| --- | --- | --- | --- |',
    row('scim-ldap expression engine (toLdap)', engine),
    row('hand-written equivalent (baseline)', baseline),
    '',
    `engine / baseline: ${(median(engine) / median(baseline)).toFixed(1)}x`,
    '',
  ].join('\n'),
);
await recordFigures({ mappingMicroseconds: median(engine), handWrittenMicroseconds: median(baseline) });
