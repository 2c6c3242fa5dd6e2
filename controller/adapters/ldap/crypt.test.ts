import { describe, expect, it } from 'vitest';
import { cryptSha512, sha512Crypt } from './crypt.ts';

// Expected values from the reference implementation (glibc crypt(3), as `openssl passwd -6 -salt` prints them),
// the first from the SHA-crypt specification itself. Lengths around 64 bytes cross the spec's block steps.
describe('SHA-crypt ($6$)', () => {
  it.each([
    {
      reason: 'the specification example',
      password: 'Hello world!',
      salt: 'saltstring',
      crypt:
        '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    },
    {
      reason: 'a 16-character salt',
      password: 'Hello world!',
      salt: 'saltsaltsaltsalt',
      crypt:
        '$6$saltsaltsaltsalt$HXHZKJ0g.uKZHDcR9YIeniE7EWRBrei5U2090m6ZyXxoHrCmrfz3uLl219xdRK/fN3ZsMvKWeXNxv7g0bQ10W.',
    },
    {
      reason: '63 bytes',
      password: 'a'.repeat(63),
      salt: 'saltsaltsaltsalt',
      crypt:
        '$6$saltsaltsaltsalt$6J8/bkGi7NfifVYmPrl/ZaVccOafkgC9KTSCMKZSrxO0S6fNmDhGwnRhnvfxoTWKiAbSUkKVprxRFF0fzcK6F/',
    },
    {
      reason: 'exactly 64 bytes',
      password: 'y'.repeat(64),
      salt: 'saltsaltsaltsalt',
      crypt:
        '$6$saltsaltsaltsalt$.Gk.uCouTnagK7I.bagOzsCHmmcT8oCaVUhBAlGipvRbF.zMwSJQ4gQUZNrNU6M9p2muNNJ5M/TvMYYUDWz2J0',
    },
    {
      reason: '65 bytes',
      password: 'b'.repeat(65),
      salt: 'saltsaltsaltsalt',
      crypt:
        '$6$saltsaltsaltsalt$6DgVBSMdjR/Pxo28LGsFnS1gvqkM19JTxP6r4Ws/sfOuyT55UzyJKxTJUE0v7l1CPI6sFI4F8QbyYunapV/Eh/',
    },
    {
      reason: 'exactly 128 bytes',
      password: 'z'.repeat(128),
      salt: 'saltsaltsaltsalt',
      crypt:
        '$6$saltsaltsaltsalt$4fBKidyUktM7tl//wo.nqMTQ6LW2JMXypltkFDlfCERZkePL3rfZna6i0K1hmBwSL1cMl75flE0JUr4m4UEmN0',
    },
    {
      reason: 'non-ASCII text, hashed as UTF-8',
      password: 'Grüße-Ölfass-日本',
      salt: 'saltsaltsaltsalt',
      crypt:
        '$6$saltsaltsaltsalt$wMMhNdZaP/bkTeXb12GNl8aAB1RdSX/gPIQ2Q61B.eyAjVJGz2Ux9aG3Mo6QhzRI4DM9Ys5J8G.RdLEUbcLA1.',
    },
  ])('$reason', ({ password, salt, crypt }) => {
    expect(sha512Crypt(password, salt)).toBe(crypt);
  });

  it('draws a fresh 16-character salt for every hash', () => {
    const [a, b] = [cryptSha512('same'), cryptSha512('same')];
    expect(a).toMatch(/^\{CRYPT\}\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(a.slice(0, 27)).not.toBe(b.slice(0, 27));
    const salt = a.slice('{CRYPT}$6$'.length, '{CRYPT}$6$'.length + 16);
    expect(`{CRYPT}${sha512Crypt('same', salt)}`).toBe(a);
  });
});
