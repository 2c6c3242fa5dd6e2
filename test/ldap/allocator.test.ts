import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAllocator } from '../../controller/adapters/ldap/allocator.ts';
import { type Directory, openDirectory } from '../../controller/adapters/ldap/directory.ts';
import { parseDn } from '../../controller/core/ldap/dn.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

describe('POSIX number allocation in slapd', () => {
  let slapd: Slapd;
  const directories: Directory[] = [];
  const open = () => {
    const directory = openDirectory({
      url: slapd.ldapUrl,
      bind: { method: 'Simple', dn: slapd.adminDN, password: slapd.adminPassword },
      connectTimeoutMs: 5000,
      operationTimeoutMs: 5000,
    });
    directories.push(directory);
    return directory;
  };

  beforeAll(async () => {
    slapd = await startSlapd();
  });
  afterAll(async () => {
    for (const d of directories) await d.close();
    await slapd?.stop();
  });

  it('starts at the minimum and skips numbers already held by entries (alice holds 10001)', async () => {
    const allocate = createAllocator(open(), parseDn(slapd.baseDN));
    expect(await allocate('uidNumber', 10000, 10010)).toBe(10000);
    expect(await allocate('uidNumber', 10000, 10010)).toBe(10002);
  });

  it('hands out unique numbers to concurrent allocations from several listeners', async () => {
    const allocators = [open(), open(), open()].map((d) => createAllocator(d, parseDn(slapd.baseDN)));
    const numbers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (allocators[i % 3] as (typeof allocators)[0])('gidNumber', 20000, 30000),
      ),
    );
    expect(new Set(numbers).size).toBe(60);
    expect(Math.min(...numbers)).toBe(20000);
    expect(Math.max(...numbers)).toBe(20059);
  });

  it('refuses when the range is exhausted', async () => {
    const allocate = createAllocator(open(), parseDn(slapd.baseDN));
    expect(await allocate('uidNumber', 10000, 10002)).toBe(10000);
    expect(await allocate('uidNumber', 10000, 10002)).toBe(10002);
    await expect(allocate('uidNumber', 10000, 10002)).rejects.toThrow(
      'the range [10000, 10002] is exhausted',
    );
  });

  it('keeps one counter per range: a higher range of the attribute does not exhaust a lower one', async () => {
    const allocate = createAllocator(open(), parseDn(slapd.baseDN));
    expect(await allocate('gidNumber', 100000, 199999)).toBe(100000);
    expect(await allocate('gidNumber', 40000, 40009)).toBe(40000);
    expect(await allocate('gidNumber', 100000, 199999)).toBe(100001);
  });

  it('reports the numbers left in the range after each allocation, and none once it is exhausted', async () => {
    const reports: [string, number, number, number][] = [];
    const allocate = createAllocator(open(), parseDn(slapd.baseDN), (...report) => reports.push(report));
    expect(await allocate('uidNumber', 50000, 50002)).toBe(50000);
    expect(await allocate('uidNumber', 50000, 50002)).toBe(50001);
    expect(reports).toEqual([
      ['uidNumber', 50000, 50002, 2],
      ['uidNumber', 50000, 50002, 1],
    ]);
    expect(await allocate('uidNumber', 50000, 50002)).toBe(50002);
    await expect(allocate('uidNumber', 50000, 50002)).rejects.toThrow('is exhausted');
    expect(reports.slice(2)).toEqual([
      ['uidNumber', 50000, 50002, 0],
      ['uidNumber', 50000, 50002, 0],
    ]);
  });
});
