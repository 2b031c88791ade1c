import { sql } from 'drizzle-orm';
import type { PostgresTransaction } from './connection.ts';
import { consentChainLockKey } from './schema.ts';

/**
 * Takes the consent chain's lock for the rest of `tx`: the first statement of every transaction that appends to the
 * chain or moves its start (see `consentChainLockKey` for the whole protocol). Waits while another instance holds it;
 * `tx`'s commit or rollback releases it. Throws in a transaction above READ COMMITTED, whose snapshot predates the
 * lock, so its head read would miss the records appended while it waited.
 */
export async function takeConsentChainLock(tx: PostgresTransaction): Promise<void> {
  const result = await tx.execute<{ isolation: string }>(
    sql`select pg_advisory_xact_lock(${consentChainLockKey}), current_setting('transaction_isolation') as isolation`,
  );
  const isolation = result.rows[0]?.isolation;
  if (isolation !== 'read committed') throw new Error(`the consent chain is appended to at READ COMMITTED, not ${isolation}`);
}
