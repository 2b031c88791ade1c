// Request references stay unique when submissions reach several instances at the same moment.
import { describe, expect, test, vi } from 'vitest';
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { createRequest } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { twoInstancesForTheseTests } from '../support/postgres-instances.ts';
import { postgresReachable } from '../support/postgres.ts';

vi.hoisted(() => {
  process.env.DATABASE_URL = 'postgres://the-repositories-use-postgresql-tables';
});

const reachable = await postgresReachable();

describe.skipIf(!reachable)('createRequest() on two instances', () => {
  const instances = twoInstancesForTheseTests();

  test('200 requests submitted at once through both instances, with references that collide, all get distinct references', async () => {
    // The first 40 draws give every caller the same reference, so 39 of them must find it taken and draw again.
    await instances.warmUp();
    let draws = 0;
    const drawReference = (year: number) => {
      draws += 1;
      const serial = draws <= 40 ? 0 : draws;
      return `DSR-${year}-${String(serial).padStart(6, '0')}`;
    };
    const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'pl', name: 'Anna Nowak', email: 'anna@example.pl', declaration: true });
    const submitted = await Promise.allSettled(
      Array.from({ length: 200 }, (_, index) =>
        createRequest(index % 2 ? instances.a : instances.b, {
          submission,
          now: Date.UTC(2026, 11, 3, 12, 0, 0),
          timeZone: 'Europe/Athens',
          // As the portal makes it: the status token, hence its hash, follows from the reference.
          statusTokenHashFor: (reference) => hashToken(`status:${reference}`),
          verifyTokenHash: newToken().hash,
          drawReference,
        }),
      ),
    );
    const failed = submitted.filter((outcome) => outcome.status === 'rejected');
    expect(failed.map((outcome) => String(outcome.reason))).toEqual([]);
    const references = submitted.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.reference] : []));
    expect(new Set(references).size).toBe(200);
    expect(references).toContain('DSR-2026-000000');
    expect(draws).toBeGreaterThanOrEqual(239);
    const { rows } = await instances.b.handle.$client.query<{ requests: string; received: string }>(
      "select (select count(*) from requests) as requests, (select count(*) from request_events where kind = 'received') as received",
    );
    expect(rows[0]).toEqual({ requests: '200', received: '200' });
  });
});
