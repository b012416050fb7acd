/** Process-group helpers for a subprocess started with `detached: true` (its pid is its group id). */

/** Sends a signal to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    // EPERM: a member we may not signal (it changed user); the group still exists.
    if (code === 'EPERM') return true;
    throw error;
  }
}

export function groupExists(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the group is gone or `ms` has passed; returns whether it is gone. */
export async function waitForGroupExit(pgid: number, ms: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!groupExists(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollMs);
  }
}

/**
 * Ends what is left of a group whose leader has exited (children the CLI started, such as a shell
 * command still running): SIGTERM, then SIGKILL after the grace period, then waits for it to vanish.
 * Returns whether the group is gone.
 */
export async function reapGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!signalGroup(pgid, 'SIGTERM')) return true;
  if (await waitForGroupExit(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  // Killed orphans stay zombies until init reaps them (seconds on some systems).
  return waitForGroupExit(pgid, 10_000);
}

const live = new Set<number>();
let exitHookInstalled = false;

/**
 * Remembers a running group so that it is killed if this process exits first (detached groups are
 * not killed with their parent). Returns a function that forgets it.
 */
export function trackGroup(pgid: number): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const id of live) signalGroup(id, 'SIGKILL');
    });
  }
  live.add(pgid);
  return () => live.delete(pgid);
}
