import { and, eq } from 'drizzle-orm';
import type { Executor, Store } from '../../db/store.ts';
import { policyVersions } from '../../db/tables.ts';
import type { PolicyText } from './policy.ts';

export interface PublishOutcome {
  recorded: number;
  updated: number;
}

/** Texts whose version is already in effect but whose words changed: they must become a new version instead. */
export class PolicyTextAlteredError extends Error {
  readonly altered: string[];

  constructor(altered: string[]) {
    super(`A policy version may not change once in effect; publish a new version instead:\n- ${altered.join('\n- ')}`);
    this.name = 'PolicyTextAlteredError';
    this.altered = altered;
  }
}

/**
 * Records every policy text in the database so consent records can name it. A text that is not yet in effect may
 * still be edited (its hash is updated); once in effect its hash is fixed, and an edited text throws
 * PolicyTextAlteredError. One transaction: either the whole publication is recorded or none of it.
 */
export async function publishPolicyTexts(store: Store, texts: readonly PolicyText[], today: string, now: Date = new Date()): Promise<PublishOutcome> {
  return store.transaction(async (tx) => {
    const outcome: PublishOutcome = { recorded: 0, updated: 0 };
    const altered: string[] = [];
    for (const text of texts) {
      const where = and(eq(policyVersions.document, text.document), eq(policyVersions.version, text.version), eq(policyVersions.locale, text.locale));
      const [existing] = await tx.select().from(policyVersions).where(where).limit(1);
      if (!existing) {
        await tx.insert(policyVersions).values({
          document: text.document,
          version: text.version,
          locale: text.locale,
          effectiveOn: text.effective,
          title: text.title,
          textHash: text.textHash,
          recordedAt: now,
        });
        outcome.recorded += 1;
      } else if (existing.textHash !== text.textHash || existing.effectiveOn !== text.effective) {
        if (existing.effectiveOn <= today) {
          altered.push(`${text.document} v${text.version} (${text.locale}), in effect since ${existing.effectiveOn}`);
          continue;
        }
        await tx.update(policyVersions).set({ effectiveOn: text.effective, title: text.title, textHash: text.textHash, recordedAt: now }).where(where);
        outcome.updated += 1;
      }
    }
    if (altered.length > 0) throw new PolicyTextAlteredError(altered);
    return outcome;
  });
}

export async function findPublishedText(db: Executor, document: string, version: number, locale: string) {
  const [text] = await db
    .select()
    .from(policyVersions)
    .where(and(eq(policyVersions.document, document), eq(policyVersions.version, version), eq(policyVersions.locale, locale)))
    .limit(1);
  return text;
}
