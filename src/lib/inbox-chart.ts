import { addCalendarDays, daysBetween } from './deadline.ts';

export interface WeekBucket {
  /** `overdue`, or the Monday a week starts on (YYYY-MM-DD). */
  week: 'overdue' | string;
  count: number;
}

/**
 * Open requests by the week they fall due: an overdue bucket, then `weeks` weeks from the Monday of this week (the
 * last one also holding anything later).
 */
export function openByWeekDue(dueDates: readonly { dueOn: string; count: number }[], today: string, weeks = 8): WeekBucket[] {
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addCalendarDays(today, -weekday);
  const buckets: WeekBucket[] = [
    { week: 'overdue', count: 0 },
    ...Array.from({ length: weeks }, (_, index) => ({ week: addCalendarDays(monday, index * 7), count: 0 })),
  ];
  for (const { dueOn, count } of dueDates) {
    if (dueOn < today) {
      (buckets[0] as WeekBucket).count += count;
      continue;
    }
    const index = Math.min(weeks - 1, Math.floor(daysBetween(monday, dueOn) / 7));
    (buckets[index + 1] as WeekBucket).count += count;
  }
  return buckets;
}
