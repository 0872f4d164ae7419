import { describe, it, expect } from 'vitest';
import { DEVICE_SECRET_MIN_LENGTH, generateDeviceSecret } from '../../../src/domain/device-secret.js';

describe('generateDeviceSecret', () => {
  it('requires at least 32 characters', () => {
    expect(DEVICE_SECRET_MIN_LENGTH).toBe(32);
  });

  it('is 43 base64url characters (256 bits), at least the minimum', () => {
    const secret = generateDeviceSecret();
    expect(secret.length).toBeGreaterThanOrEqual(DEVICE_SECRET_MIN_LENGTH);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('gives 1000 distinct secrets', () => {
    const secrets = Array.from({ length: 1000 }, () => generateDeviceSecret());
    expect(new Set(secrets).size).toBe(1000);
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('uses the whole alphabet across many secrets (not a narrow generator)', () => {
    const chars = new Set(Array.from({ length: 1000 }, () => generateDeviceSecret()).join(''));
    expect(chars.size).toBe(64);
  });
});
