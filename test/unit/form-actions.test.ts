import { describe, expect, test } from 'vitest';
import { actionRefusal, isFormContentType } from '../../src/lib/form-actions.ts';

const form = 'application/x-www-form-urlencoded';

describe('form actions', () => {
  test.each([
    ['requests.submit', '/requests/new'],
    ['requests.submit', '/requests/new/'],
    ['consent.saveCookies', '/consent'],
    ['marketing.signUp', '/consent'],
    ['marketing.withdraw', '/consent'],
    ['marketing.confirmCode', '/consent'],
  ])('%s runs when its form posts to its own page (%s)', (name, pagePath) => {
    expect(actionRefusal({ calledFrom: 'form', name, pagePath, contentType: form })).toBeUndefined();
    expect(actionRefusal({ calledFrom: 'form', name, pagePath, contentType: 'multipart/form-data; boundary=x' })).toBeUndefined();
  });

  test.each([
    ['rpc', 'requests.submit', '/requests/new'],
    ['form', 'requests.submit', '/'],
    ['form', 'requests.submit', undefined],
    ['form', 'marketing.signUp', '/policies/privacy-notice'],
    ['form', 'consent.saveCookies', '/requests/new'],
    ['form', '__proto__', '/consent'],
    ['form', 'toString', '/consent'],
    ['form', 'nope', '/consent'],
  ] as const)('a %s call of %s on %s is not found', (calledFrom, name, pagePath) => {
    expect(actionRefusal({ calledFrom, name, pagePath, contentType: form })).toBe('notFound');
  });

  test.each(['application/json', 'text/plain', null, '', 'application/x-www-form-urlencodedx'])('a %s body is refused as unsupported', (contentType) => {
    expect(actionRefusal({ calledFrom: 'form', name: 'requests.submit', pagePath: '/requests/new', contentType })).toBe('unsupportedMediaType');
  });

  test('form content types are recognised whatever their case and parameters', () => {
    expect(isFormContentType('Application/X-WWW-Form-Urlencoded; charset=UTF-8')).toBe(true);
    expect(isFormContentType('multipart/form-data')).toBe(true);
    expect(isFormContentType('application/json')).toBe(false);
  });
});
