/**
 * Wakes the task runner when work became due (the DPO started a request, executed an erasure, retried a task), so it
 * does not wait for its next round. The runner registers itself with `onTaskRunnerWake`; with none running, waking
 * does nothing and the tasks wait in the database for the next runner to claim them.
 */
let wake: (() => void) | undefined;

export function onTaskRunnerWake(handler: (() => void) | undefined): void {
  wake = handler;
}

export function wakeTaskRunner(): void {
  wake?.();
}
