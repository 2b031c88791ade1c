import { describe, expect, test } from 'vitest';
import { checkRequestTarget, portalHosts, portalOrigins } from '../../src/lib/canonical-origin.ts';
import { readEnvironment } from '../../src/lib/environment.ts';

const local = portalHosts({ PORT: 4321, ALLOWED_HOSTS: [] });
const live = portalHosts({ PUBLIC_URL: 'https://privacy.ostria.example', PORT: 4321, ALLOWED_HOSTS: ['portal-internal.ostria.example'] });
const check = (host: string | string[], url = '/nl/policies/privacy-notice', hosts = live) =>
  checkRequestTarget(
    (Array.isArray(host) ? host : [host]).flatMap((value) => ['Host', value]),
    url,
    hosts,
  );

describe('portalHosts()', () => {
  test('without PUBLIC_URL the portal is http://localhost:PORT, also reached as 127.0.0.1 and [::1]', () => {
    expect(local.origin).toBe('http://localhost:4321');
    expect([...local.names]).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(portalOrigins(local)).toEqual(['http://localhost:4321', 'http://127.0.0.1:4321', 'http://[::1]:4321']);
  });

  test('with PUBLIC_URL only its host and ALLOWED_HOSTS: no loopback name', () => {
    expect(live.origin).toBe('https://privacy.ostria.example');
    expect([...live.names]).toEqual(['privacy.ostria.example', 'portal-internal.ostria.example']);
    expect(portalOrigins(live)).toEqual(['https://privacy.ostria.example', 'https://portal-internal.ostria.example']);
  });
});

describe('checkRequestTarget()', () => {
  test.each([
    'privacy.ostria.example',
    'PRIVACY.Ostria.Example',
    'privacy.ostria.example.',
    'privacy.ostria.example:443',
    'portal-internal.ostria.example:8080',
  ])('accepts %s', (host) => expect(check(host)).toEqual({ ok: true, path: '/nl/policies/privacy-notice' }));

  test.each(['evil.example', 'localhost:4321', '127.0.0.1', '[::1]:4321', 'privacy.ostria.example.evil.example'])('answers 421 to %s', (host) => {
    expect(check(host)).toMatchObject({ ok: false, status: 421 });
  });

  test.each([
    ['user info', 'victim@privacy.ostria.example'],
    ['user and password', 'a:b@privacy.ostria.example'],
    ['a path', 'privacy.ostria.example/dpo/login?'],
    ['a backslash', 'privacy.ostria.example\\dpo'],
    ['a query', 'privacy.ostria.example?x'],
    ['a fragment', 'privacy.ostria.example#x'],
    ['a space', 'privacy.ostria.example x'],
    ['a tab', 'privacy.ostria.example\t'],
    ['a control character', 'privacy.ostria.example\u0001'],
    ['non-ASCII', 'privacy.οstria.example'],
    ['percent-encoding', 'privacy%2eostria.example'],
    ['an empty value', ''],
    ['a bad port', 'privacy.ostria.example:99999'],
    ['two ports', 'privacy.ostria.example:1:2'],
    ['an unbracketed IPv6 address', '::1'],
    ['a broken IPv6 address', '[::g]'],
  ])('answers 400 to a Host with %s', (_, host) => {
    expect(check(host)).toMatchObject({ ok: false, status: 400 });
  });

  test('answers 400 to no Host or several', () => {
    expect(check([])).toMatchObject({ ok: false, status: 400, reason: 'no Host header' });
    expect(check(['privacy.ostria.example', 'evil.example'])).toMatchObject({ ok: false, status: 400, reason: 'several Host headers' });
  });

  test('takes an absolute-form target naming the portal, in origin form, and refuses one naming another host', () => {
    expect(check('privacy.ostria.example', 'https://privacy.ostria.example/nl/?a=1')).toEqual({ ok: true, path: '/nl/?a=1' });
    expect(check('privacy.ostria.example', 'http://evil.example/nl/')).toMatchObject({ ok: false, status: 400 });
    expect(check('portal-internal.ostria.example', 'http://privacy.ostria.example:8443/nl/')).toEqual({ ok: true, path: '/nl/' });
    expect(check('privacy.ostria.example', 'http://victim@privacy.ostria.example/nl/')).toMatchObject({ ok: false, status: 400 });
    expect(check('privacy.ostria.example', '*')).toMatchObject({ ok: false, status: 400 });
    expect(check('privacy.ostria.example', 'evil.example:443')).toMatchObject({ ok: false, status: 400 });
  });

  test('the loopback forms answer only for a local portal', () => {
    expect(check('127.0.0.1:5000', '/', local)).toEqual({ ok: true, path: '/' });
    expect(check('[::1]', '/', local)).toEqual({ ok: true, path: '/' });
    expect(check('evil.example', '/', local)).toMatchObject({ ok: false, status: 421 });
  });
});

describe('PUBLIC_URL and ALLOWED_HOSTS', () => {
  test('PUBLIC_URL is an origin only', () => {
    expect(() => readEnvironment({ PUBLIC_URL: 'https://privacy.example.org/portal' })).toThrow(/PUBLIC_URL/);
    expect(() => readEnvironment({ PUBLIC_URL: 'https://user:pw@privacy.example.org' })).toThrow(/PUBLIC_URL/);
    expect(readEnvironment({ PUBLIC_URL: 'https://privacy.example.org/' }).PUBLIC_URL).toBe('https://privacy.example.org/');
  });

  test('ALLOWED_HOSTS holds host names without ports', () => {
    expect(readEnvironment({ ALLOWED_HOSTS: 'Portal.Internal, 10.0.0.5 [fd00::1]' }).ALLOWED_HOSTS).toEqual(['portal.internal', '10.0.0.5', '[fd00::1]']);
    expect(() => readEnvironment({ ALLOWED_HOSTS: 'portal.internal:8080' })).toThrow(/ALLOWED_HOSTS/);
    expect(() => readEnvironment({ ALLOWED_HOSTS: 'evil/x' })).toThrow(/ALLOWED_HOSTS/);
  });
});
