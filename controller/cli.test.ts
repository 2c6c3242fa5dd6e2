import { describe, expect, it } from 'vitest';
import { main } from './cli.ts';

async function invoke(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('scim-ldap CLI', () => {
  it.each([
    { reason: 'no command prints usage', argv: [] },
    { reason: 'help prints usage', argv: ['help'] },
    { reason: '--help prints usage', argv: ['--help'] },
  ])('$reason', async ({ argv }) => {
    const { code, out } = await invoke(...argv);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: scim-ldap <command>/);
    expect(out).toContain('version');
  });

  it('prints the package version', async () => {
    const { code, out } = await invoke('--version');
    expect(code).toBe(0);
    expect(out).toMatch(/^scim-ldap \d+\.\d+\.\d+\n$/);
  });

  it('names an unknown command and exits 2', async () => {
    const { code, err } = await invoke('frobnicate');
    expect(code).toBe(2);
    expect(err).toContain('unknown command "frobnicate"');
  });
});

describe('scim-ldap listener options', () => {
  it.each(['abc', '-1', '65536', '1.5'])('refuses --metrics-port %s with usage and exit 2', async (value) => {
    const { code, err } = await invoke('listener', '-f', 'manifests', `--metrics-port=${value}`);
    expect(code).toBe(2);
    expect(err).toContain(`--metrics-port must be a whole number from 1 to 65535, got "${value}"`);
  });
});
