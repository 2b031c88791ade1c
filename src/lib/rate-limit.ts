/**
 * Counts attempts per key in a fixed window (e.g. per client address): `allow()` is false once `limit` attempts
 * were made within `windowMs`. In memory, per process; old keys are swept as time passes.
 */
export function createRateLimiter(limit: number, windowMs: number, clock: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = clock();
  return {
    allow(key: string): boolean {
      const now = clock();
      if (now - lastSweep > windowMs) {
        for (const [stale, window] of windows) if (now - window.start >= windowMs) windows.delete(stale);
        lastSweep = now;
      }
      const window = windows.get(key);
      if (!window || now - window.start >= windowMs) {
        windows.set(key, { start: now, count: 1 });
        return true;
      }
      window.count += 1;
      return window.count <= limit;
    },
  };
}
