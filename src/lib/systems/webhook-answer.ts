import { z } from 'zod';
import { locales } from '../locale.ts';
import type { TaskAction, TaskResult } from './tasks.ts';

// What a webhook system answers (at once with 200, or later in its callback), checked by zod: anything else is a
// `badAnswer` and nothing of it is kept.

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const label = z.strictObject(Object.fromEntries(locales.map((locale) => [locale, z.string().min(1)])) as Record<(typeof locales)[number], z.ZodString>);
const table = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
    label: label.optional(),
    columns: z.array(z.string().min(1).max(200)).min(1).max(200),
    /** What the person reads above each column, per locale (optional; a column not named keeps its name). */
    columnLabels: z.record(z.string().min(1).max(200), label).optional(),
    rows: z.array(z.array(cell)),
  })
  .refine((value) => value.rows.every((row) => row.length === value.columns.length), 'every row has one value per column')
  .refine((value) => Object.keys(value.columnLabels ?? {}).every((column) => value.columns.includes(column)), 'column labels name columns of the table');

const collected = z.strictObject({ tables: z.array(table).max(100) });
const counted = z.strictObject({ counts: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/), z.int().min(0)) });
const confirmed = z.strictObject({ done: z.literal(true), note: z.string().max(4000).optional() });
/** The system could not do it (its words for the DPO). */
const refused = z.strictObject({ error: z.string().min(1).max(2000) });

export type WebhookAnswer = { ok: true; result: TaskResult } | { ok: false; problem: 'badAnswer' } | { ok: false; problem: 'refused'; detail: string };

/** Reads an answer for a task's action; `now` stamps collected data. */
export function readWebhookAnswer(text: string, action: TaskAction, now: number): WebhookAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'badAnswer' };
  }
  const error = refused.safeParse(json);
  if (error.success) return { ok: false, problem: 'refused', detail: error.data.error };
  switch (action) {
    case 'collect': {
      const parsed = collected.safeParse(json);
      if (!parsed.success) return { ok: false, problem: 'badAnswer' };
      return {
        ok: true,
        result: {
          kind: 'collected',
          collectedAt: now,
          tables: parsed.data.tables.map((item) => ({
            name: item.name,
            label: item.label ?? null,
            columns: item.columns,
            ...(item.columnLabels ? { columnLabels: item.columnLabels } : {}),
            rows: item.rows,
          })),
        },
      };
    }
    case 'erase':
    case 'restrict': {
      const parsed = counted.safeParse(json);
      if (parsed.success) return { ok: true, result: { kind: action === 'erase' ? 'erased' : 'restricted', counts: parsed.data.counts } };
      const done = confirmed.safeParse(json);
      return done.success ? { ok: true, result: { kind: 'confirmed', note: done.data.note ?? '', by: 'webhook' } } : { ok: false, problem: 'badAnswer' };
    }
    default: {
      const done = confirmed.safeParse(json);
      return done.success ? { ok: true, result: { kind: 'confirmed', note: done.data.note ?? '', by: 'webhook' } } : { ok: false, problem: 'badAnswer' };
    }
  }
}
