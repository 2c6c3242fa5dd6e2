import { afterAll, describe, expect, it } from 'vitest';
import { sha512Crypt } from './crypt.ts';
import { CryptPoolError, createCryptPool } from './crypt-pool.ts';

/** Whether a `$6$<salt>$…` value is that password's, recomputed with its salt. */
const verify = (password: string, crypt: string) =>
  sha512Crypt(password, crypt.split('$')[2] ?? '') === crypt;

describe('crypt pool', () => {
  const pool = createCryptPool(2);
  afterAll(() => pool.close());

  it.each([
    { reason: 'a generated password of the reference mapping', password: 'k7#Qz!2mR_vA9pLx0cWe' },
    { reason: 'non-ASCII text (hashed as UTF-8)', password: 'Grüße-Ölfass-日本' },
    { reason: 'longer than one SHA-512 digest (64 bytes)', password: 'x'.repeat(100) },
    { reason: 'a single character', password: 'a' },
  ])('hashes $reason into a SHA-crypt value that verifies', async ({ password }) => {
    const value = await pool.hash(password);
    expect(value).toMatch(/^\{CRYPT\}\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    const crypt = value.slice('{CRYPT}'.length);
    expect(verify(password, crypt)).toBe(true);
    expect(verify(`${password}!`, crypt)).toBe(false);
  });

  it('salts every hash: the same password twice gives two values', async () => {
    const [a, b] = await Promise.all([pool.hash('same'), pool.hash('same')]);
    expect(a).not.toBe(b);
  });

  it('hashes off the event loop: the loop keeps turning while hashes are pending', async () => {
    let turns = 0;
    let turning = true;
    const turn = () => {
      turns++;
      if (turning) setImmediate(turn);
    };
    setImmediate(turn);
    // Hashed on this thread, the batch would run before the first turn; on threads, the loop turns meanwhile.
    const pending = Array.from({ length: 8 }, (_, i) => pool.hash(`password-${i}`));
    const first = await Promise.race(pending);
    const turnsBeforeFirst = turns;
    turning = false;
    await Promise.all(pending);
    expect(first).toMatch(/^\{CRYPT\}/);
    expect(turnsBeforeFirst).toBeGreaterThan(0);
  });

  it('queues more hashes than threads and answers each its own', async () => {
    const passwords = Array.from({ length: 12 }, (_, i) => `queued-${i}`);
    const pending = passwords.map((p) => pool.hash(p));
    expect(pool.threads()).toBe(2);
    const values = await Promise.all(pending);
    values.forEach((value, i) => {
      expect(verify(passwords[i] as string, value.slice('{CRYPT}'.length))).toBe(true);
    });
  });

  it('stops a thread idle for longer than allowed, and starts one again for the next hash', async () => {
    const brief = createCryptPool(1, 50);
    try {
      expect(verify('first', (await brief.hash('first')).slice('{CRYPT}'.length))).toBe(true);
      expect(brief.threads()).toBe(1);
      for (let waited = 0; brief.threads() > 0 && waited < 5000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(brief.threads()).toBe(0);
      expect(verify('again', (await brief.hash('again')).slice('{CRYPT}'.length))).toBe(true);
      expect(brief.threads()).toBe(1);
    } finally {
      await brief.close();
    }
  });

  it('refuses hashes once closed, and the pending ones with it', async () => {
    const closing = createCryptPool(1);
    const pending = Promise.allSettled([closing.hash('one'), closing.hash('two')]);
    await closing.close();
    const results = [...(await pending), ...(await Promise.allSettled([closing.hash('three')]))];
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(CryptPoolError);
  });
});
