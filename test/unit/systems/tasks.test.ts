import { describe, expect, test } from 'vitest';
import organisationSource from '../../../content/organisation.json' with { type: 'json' };
import systemsSource from '../../../content/systems.json' with { type: 'json' };
import { organisationSchema } from '../../../src/lib/organisation.ts';
import { parseSystemsRegister, resolveSystems } from '../../../src/lib/systems/register.ts';
import { planTasks, taskDueOn, verifiedIdentifiers } from '../../../src/lib/systems/tasks.ts';

const systems = resolveSystems(parseSystemsRegister(systemsSource), {}, () => 'x'.repeat(64));
const { processors } = organisationSchema.parse(organisationSource);
const plan = (type: Parameters<typeof planTasks>[0]) =>
  planTasks(type, systems, processors).map((task) => `${task.system}:${task.action}:${task.channel}:${task.runsAtStart}`);

describe('planTasks()', () => {
  test('access and portability collect from every system at the start, each through its own channel', () => {
    for (const type of ['access', 'portability'] as const) {
      expect(plan(type)).toEqual(['customer-database:collect:sql:true', 'login-history:collect:webhook:true', 'contract-archive:collect:manual:true']);
    }
  });

  test('erasure erases in every system and notifies every recipient, all waiting for the DPO to execute it', () => {
    expect(plan('erasure')).toEqual([
      'customer-database:erase:sql:false',
      'login-history:erase:webhook:false',
      'contract-archive:erase:manual:false',
      ...processors.map((processor) => `recipient:${processor.id}:notify:email:false`),
    ]);
  });

  test('restriction restricts through the database’s statements, the webhook and the owner', () => {
    expect(plan('restriction')).toEqual([
      'customer-database:restrict:sql:true',
      'login-history:restrict:webhook:true',
      'contract-archive:restrict:manual:true',
    ]);
  });

  test('rectification and objection forward the requester’s text: to the owners by hand, to a webhook as a message', () => {
    for (const type of ['rectification', 'objection'] as const) {
      expect(plan(type)).toEqual(['customer-database:forward:manual:true', 'login-history:forward:webhook:true', 'contract-archive:forward:manual:true']);
    }
  });

  test('an empty register plans nothing but an erasure’s notifications', () => {
    expect(planTasks('access', [], processors)).toEqual([]);
    expect(planTasks('erasure', [], processors)).toHaveLength(processors.length);
  });
});

describe('taskDueOn()', () => {
  test('is a week before the request’s due date', () => {
    expect(taskDueOn('2026-12-20', '2026-11-20')).toBe('2026-12-13');
  });

  test('gives the owner at least until tomorrow when the request is started late', () => {
    expect(taskDueOn('2026-12-20', '2026-12-17')).toBe('2026-12-18');
  });

  test('is never after the request’s own due date, across a month and a year', () => {
    expect(taskDueOn('2027-01-01', '2026-12-31')).toBe('2027-01-01');
    expect(taskDueOn('2027-01-01', '2027-01-05')).toBe('2027-01-01');
    expect(taskDueOn('2027-03-03', '2027-01-10')).toBe('2027-02-24');
  });
});

describe('verifiedIdentifiers()', () => {
  const request = { email: 'anna@example.pl', customerReference: ' C-1042 ', phone: '+48 600 100 200', anonymisedAt: null };

  test('an email link proves the address only: the customer reference and phone stay back', () => {
    expect(verifiedIdentifiers(request, 'email-link')).toEqual({ email: 'anna@example.pl', customerReference: null, phone: null });
    expect(verifiedIdentifiers(request, undefined)).toEqual({ email: 'anna@example.pl', customerReference: null, phone: null });
  });

  test('a check by the DPO releases the customer reference and phone, trimmed', () => {
    expect(verifiedIdentifiers(request, 'identity-document')).toEqual({ email: 'anna@example.pl', customerReference: 'C-1042', phone: '+48 600 100 200' });
  });

  test('a request recorded from a letter or a call without an address sends none (never an empty one to match by)', () => {
    expect(verifiedIdentifiers({ ...request, email: '' }, 'customer-account')).toEqual({ email: null, customerReference: 'C-1042', phone: '+48 600 100 200' });
  });

  test('an anonymised request sends no address, and blank identifiers are none', () => {
    expect(verifiedIdentifiers({ ...request, anonymisedAt: 1, customerReference: '  ', phone: '' }, 'customer-account')).toEqual({
      email: null,
      customerReference: null,
      phone: null,
    });
  });
});
