import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.test.ts') &&
      !entry.name.endsWith('.fixtures.ts')
      ? [path]
      : [];
  });
}

function imports(file: string): { specifier: string; names: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s+(?:type\s+)?([^'"]*?)\s*from\s+'([^']+)'/gm)].map((m) => ({
    names: m[1] ?? '',
    specifier: m[2] ?? '',
  }));
}

// The pure core may use these packages: ldapts only for its filter objects, which are plain data.
const PURE_PACKAGES = new Set(['ldapts', 'ajv', 'js-yaml', 'json-schema-to-ts']);
// Folders outside core/ that are pure too (the one schema and its validation).
const PURE_FOLDERS = ['core', 'config'];

describe('architecture', () => {
  it.each(sourceFiles(join(root, 'core')).map((file) => relative(root, file)))(
    '%s imports no I/O',
    (file) => {
      for (const { specifier, names } of imports(join(root, file))) {
        if (specifier.startsWith('.')) {
          const target = relative(root, resolve(dirname(join(root, file)), specifier));
          expect(PURE_FOLDERS, `${file} imports ${specifier}`).toContain(target.split('/')[0]);
        } else {
          expect(PURE_PACKAGES, `${file} imports ${specifier}`).toContain(specifier);
          if (specifier === 'ldapts')
            expect(names, `${file} imports ${names} from ldapts`).not.toMatch(/\bClient\b/);
        }
      }
    },
  );

  it('keeps config/ free of I/O too, since core depends on it', () => {
    for (const file of sourceFiles(join(root, 'config'))) {
      for (const { specifier } of imports(file)) {
        if (!specifier.startsWith('.'))
          expect(PURE_PACKAGES, `${relative(root, file)} imports ${specifier}`).toContain(specifier);
      }
    }
  });
});
