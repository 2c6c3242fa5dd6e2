import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomSerial, selfSignedCertificate } from './tls.ts';

// The serial's DER content octets, as node reads them from the certificate (hex).
const serialOf = (pem: string) => Buffer.from(new X509Certificate(pem).serialNumber, 'hex');
// 2026-01-01T00:00:00.002Z: a clock reading whose SHA-256 starts with a high bit, as a time-derived serial would.
const INSTANT = 1_767_225_600_002;

describe('self-signed serving certificate', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives two certificates issued at the same clock reading different serials', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(INSTANT);
    const [a, b] = await Promise.all([
      selfSignedCertificate(['localhost']),
      selfSignedCertificate(['localhost']),
    ]);
    expect(serialOf(a?.cert ?? '').equals(serialOf(b?.cert ?? ''))).toBe(false);
  });

  it('has a positive serial of at most 20 octets (RFC 5280 §4.1.2.2)', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(INSTANT);
    const serial = serialOf((await selfSignedCertificate(['localhost'])).cert);
    expect(serial.length).toBeGreaterThan(0);
    expect(serial.length).toBeLessThanOrEqual(20);
    // A first content octet with the top bit set is a negative INTEGER.
    expect((serial[0] as number) & 0x80).toBe(0);
    expect(serial.some((octet) => octet !== 0)).toBe(true);
  });

  it('draws 16 octets with the first in 0x01–0x7f', () => {
    const serials = Array.from({ length: 256 }, () => Buffer.from(randomSerial(), 'hex'));
    const ok = (s: Buffer) => s.length === 16 && (s[0] as number) >= 0x01 && (s[0] as number) <= 0x7f;
    expect(serials.every(ok)).toBe(true);
  });
});
