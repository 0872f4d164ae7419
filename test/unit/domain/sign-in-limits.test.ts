import { describe, expect, it } from 'vitest';
import { addressKey, DEFAULT_SIGN_IN_LIMITS, secondsUntil } from '../../../src/domain/sign-in-limits.js';

describe('sign-in limits', () => {
  it('default to 200 attempts per address and 30 per account in 15 minutes', () => {
    expect(DEFAULT_SIGN_IN_LIMITS).toEqual({ perAddress: 200, perAccount: 30, windowMinutes: 15 });
  });

  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::FFFF:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['[2001:db8::1]', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    // Spaces around it and brackets only at the ends are stripped; the zone only from the '%' on.
    ['  203.0.113.9  ', '203.0.113.9'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['1:2:3:4:5:6:7::', '1:2:3:4::/64'],
    ['::2:3:4:5:6:7:8', '0:2:3:4::/64'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4::/64'],
  ])('counts %s under %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it.each([[undefined], [''], ['not an address'], ['1:2:3'], ['1::2::3'], ['12345::1'], ['1:2:3:4:5:6:7:8:9'],
    // An IPv4 address or a mapped one with anything before or after it is no address.
    ['x203.0.113.9'], ['203.0.113.9x'], ['1::ffff:203.0.113.9'], ['::ffff:203.0.113.9x'],
    // Brackets inside, hex with junk on either side, a full address with '::', an empty group.
    ['20[01:db8::1'], ['g2001:db8::1'], ['2001:db8::1g'], ['1:2:3:4::5:6:7:8'], ['1:2:3:4:5:6:7::8'], ['1::2:3:4:5:6:7:8'], ['1:2:3:4:5:6::7:8:9'], ['1:2:3:4:5:6:7:'], [':1:2:3:4:5:6:7']])('has no key for %s', (address) => {
    expect(addressKey(address)).toBeUndefined();
  });

  it('says Retry-After in whole seconds, at least 1', () => {
    const now = new Date('2026-11-23T09:00:00Z');
    expect(secondsUntil(new Date(now.getTime() + 900_000), now)).toBe(900);
    expect(secondsUntil(new Date(now.getTime() + 1_500), now)).toBe(2);
    expect(secondsUntil(now, now)).toBe(1);
    expect(secondsUntil(new Date(now.getTime() - 5_000), now)).toBe(1);
  });
});
