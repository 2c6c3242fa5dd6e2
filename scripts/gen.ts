// Writes every file generated from controller/config/schema.ts. `--check` fails when a generated file differs
// from what is committed, so CI catches a hand edit or a forgotten regeneration.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chartFiles } from '../controller/config/chart.ts';
import { crdFiles } from '../controller/config/crd.ts';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
let stale = 0;
const argocd = join(root, 'charts', 'scim-ldap-operator', 'argocd');
const healthScripts = Object.fromEntries(
  ['LdapConnector', 'AttributeMapping'].map((kind) => [
    kind,
    readFileSync(join(argocd, `${kind}.lua`), 'utf8'),
  ]),
);
for (const [path, content] of Object.entries({ ...crdFiles(), ...chartFiles(healthScripts) })) {
  const file = join(root, path);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) {
    process.stderr.write(`${path} is out of date: run npm run gen\n`);
    stale++;
  } else {
    writeFileSync(file, content);
    process.stdout.write(`wrote ${path}\n`);
  }
}
process.exit(stale ? 1 : 0);
