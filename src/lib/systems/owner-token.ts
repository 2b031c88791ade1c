import { createHmac } from 'node:crypto';

// The private link a manual system's owner gets for one task: `/<locale>/tasks/<task>?token=<token>`. The token is
// derived from the portal secret, the task and the moment its link expires, so the portal stores only its hash (the
// task's `tokenHash`) and can still put the same link in the owner's daily digest (`tokenExpiresAt` is on the row).
// A new link for the same task (a retry) has a new expiry, hence a new token: the old link stops working.

/** How long an owner's link stays valid: longer than any request's deadline, so it outlives its task. */
export const ownerLinkValidMs = 45 * 24 * 60 * 60 * 1000;

export function ownerTaskToken(portalSecret: string, taskId: number, expiresAt: number): string {
  return createHmac('sha256', portalSecret).update(`owner-task\n${taskId}\n${expiresAt}`, 'utf8').digest('base64url');
}

/** The path of the owner's task page, to put after the portal's origin. */
export function ownerTaskPath(locale: string, taskId: number, token: string): string {
  return `/${locale}/tasks/${taskId}?token=${encodeURIComponent(token)}`;
}
