import pg from 'pg';

/**
 * The session advisory lock an instance holds for its whole life while it writes mail to the local outbox
 * (OUTBOX_DIR): distinct from `migrationsLockKey` (connection.ts) and `consentChainLockKey` (schema.ts).
 */
export const localOutboxLockKey = 0x706f7274_0003;

/** Why a second instance without SMTP_URL refuses to start. */
export const localOutboxTaken = "several instances need SMTP_URL: the local outbox is one machine's folder";

/** The local outbox, held by this instance until `release()` or the end of the process. */
export interface LocalOutboxHold {
  release(): Promise<void>;
}

/**
 * When the portal runs on PostgreSQL (`DATABASE_URL`) without SMTP_URL, its mail goes to .eml files in one machine's
 * folder: with a second instance behind the load balancer, half the links a requester is sent would sit on a machine
 * nobody reads. So the instance must hold `localOutboxLockKey` on a connection of its own (not the pool's, which hands
 * connections around), kept open for the life of the process; a second instance cannot get it and refuses to start
 * with `localOutboxTaken`. Resolves to undefined when no lock is needed (SQLite, or mail through SMTP). Losing the
 * connection loses the lock: `onLost` is told (the caller should stop, another instance may take the outbox).
 */
export async function holdLocalOutbox(
  environment: { DATABASE_URL?: string | undefined; SMTP_URL?: string | undefined },
  onLost: (error: Error) => void = (error) => console.error(`PostgreSQL: the local outbox lock's connection failed (${error.message})`),
): Promise<LocalOutboxHold | undefined> {
  if (!environment.DATABASE_URL || environment.SMTP_URL) return undefined;
  const client = new pg.Client({
    connectionString: environment.DATABASE_URL,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: 'privacy-portal outbox',
  });
  await client.connect();
  let released = false;
  client.on('error', (error) => {
    if (!released) onLost(error);
  });
  try {
    const { rows } = await client.query<{ held: boolean }>('select pg_try_advisory_lock($1) as held', [localOutboxLockKey]);
    if (rows[0]?.held !== true) throw new Error(localOutboxTaken);
  } catch (error) {
    released = true;
    await client.end();
    throw error;
  }
  return {
    async release() {
      if (released) return;
      released = true;
      // Ending the session releases its advisory locks.
      await client.end();
    },
  };
}
