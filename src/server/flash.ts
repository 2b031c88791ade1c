import { z } from 'zod';
import { marketingChannels } from '../lib/marketing.ts';

export const flashCookie = 'portal_flash';

const flashSchema = z.object({ channel: z.enum(marketingChannels), address: z.string().max(254) });

/** The one-time message after a marketing sign-up, or undefined. */
export function readFlash(value: string | undefined): z.infer<typeof flashSchema> | undefined {
  if (!value) return undefined;
  try {
    const parsed = flashSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
