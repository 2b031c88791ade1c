import { describe, expect, test } from 'vitest';
import { readEnvironment } from '../../src/lib/environment.ts';
import { floodKey, isProxyEntry, plainAddress, trustedProxies, visitorAddress } from '../../src/lib/visitor-address.ts';

describe('the visitor address behind trusted proxies', () => {
  const proxies = trustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  test('without a trusted proxy in front, X-Forwarded-For is ignored: anyone can write it', () => {
    expect(visitorAddress('203.0.113.5', '198.51.100.1', proxies)).toBe('203.0.113.5');
    expect(visitorAddress('::ffff:203.0.113.5', undefined, proxies)).toBe('203.0.113.5');
    expect(visitorAddress('203.0.113.5', undefined, trustedProxies([]))).toBe('203.0.113.5');
    expect(visitorAddress('127.0.0.1', '198.51.100.1', trustedProxies([]))).toBe('127.0.0.1');
  });

  test('from a trusted proxy, the right-most address that is not a proxy is the visitor', () => {
    expect(visitorAddress('127.0.0.1', '198.51.100.1', proxies)).toBe('198.51.100.1');
    expect(visitorAddress('::ffff:127.0.0.1', '198.51.100.1', proxies)).toBe('198.51.100.1');
    // The client wrote the left-most entry itself; the proxy appended the address it really saw.
    expect(visitorAddress('127.0.0.1', '6.6.6.6, 198.51.100.1', proxies)).toBe('198.51.100.1');
    // Two proxies: the CDN's edge (10.x) appended the visitor, the local proxy appended the edge.
    expect(visitorAddress('127.0.0.1', '198.51.100.1, 10.1.2.3', proxies)).toBe('198.51.100.1');
    expect(visitorAddress('127.0.0.1', ['6.6.6.6', '2001:db8::7, fd00::1'], proxies)).toBe('2001:db8::7');
  });

  test('a trusted proxy that forwards nothing, or garbage, counts as the visitor (the last address vouched for)', () => {
    expect(visitorAddress('127.0.0.1', undefined, proxies)).toBe('127.0.0.1');
    expect(visitorAddress('127.0.0.1', '', proxies)).toBe('127.0.0.1');
    expect(visitorAddress('127.0.0.1', '198.51.100.1, not-an-address', proxies)).toBe('127.0.0.1');
    expect(visitorAddress('127.0.0.1', 'not-an-address, 10.1.2.3', proxies)).toBe('10.1.2.3');
    expect(visitorAddress('127.0.0.1', '10.9.9.9', proxies)).toBe('10.9.9.9');
  });

  test('plain addresses: IPv4-mapped, brackets and zones', () => {
    expect(plainAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(plainAddress('[2001:db8::1]')).toBe('2001:db8::1');
    expect(plainAddress('fe80::1%eth0')).toBe('fe80::1');
  });
});

describe('flood keys', () => {
  test('an IPv4 address counts on its own', () => {
    expect(floodKey('192.0.2.7')).toBe('192.0.2.7');
    expect(floodKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(floodKey('192.0.2.8')).not.toBe(floodKey('192.0.2.7'));
  });

  test('IPv6 addresses count by their /64: a phone changing its address in its network is the same visitor', () => {
    expect(floodKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(floodKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(floodKey('2001:db8:1:2:a:b:c:d')).toBe(floodKey('2001:db8:1:2::1'));
    expect(floodKey('2001:db8:1:3::1')).not.toBe(floodKey('2001:db8:1:2::1'));
    expect(floodKey('::1')).toBe('0:0:0:0::/64');
    expect(floodKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(floodKey('64:ff9b::192.0.2.7')).toBe('64:ff9b:0:0::/64');
    expect(floodKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('TRUSTED_PROXIES', () => {
  test('takes addresses and CIDR ranges, comma- or space-separated', () => {
    expect(readEnvironment({ TRUSTED_PROXIES: '127.0.0.1, ::1 10.0.0.0/8,fd00::/8' }).TRUSTED_PROXIES).toEqual(['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8']);
    expect(readEnvironment({}).TRUSTED_PROXIES).toEqual([]);
  });

  test('refuses anything else, naming the variable', () => {
    for (const bad of ['localhost', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', '10.0.0/8', '1.2.3.4/x']) {
      expect(isProxyEntry(bad), bad).toBe(false);
      expect(() => readEnvironment({ TRUSTED_PROXIES: bad }), bad).toThrow(/TRUSTED_PROXIES/);
    }
  });
});
