import { setTimeout as sleep } from 'node:timers/promises';
import { gitLine, landTask, runGit, type LandTaskOptions } from '../git/index.js';

/** landTask's options, in a job's checkout with a remote to push to. */
export type LandAndPushOptions = Omit<LandTaskOptions, 'repoDir' | 'worktreePath'> & {
  workspace: string;
  remote?: string;
};

/** The work branch's tip on the remote, fetched now; null when the branch does not exist there. */
export async function fetchTip(workspace: string, branch: string, remote = 'origin'): Promise<string | null> {
  const tracking = `refs/remotes/${remote}/${branch}`;
  const fetched = await runGit(
    ['fetch', '--no-tags', '--quiet', remote, `+refs/heads/${branch}:${tracking}`],
    {
      cwd: workspace,
      allowFail: true,
    },
  );
  if (fetched.exitCode !== 0) {
    if (/couldn't find remote ref/i.test(fetched.stderr)) return null;
    throw new Error(`git fetch ${remote} ${branch} failed: ${fetched.stderr.trim()}`);
  }
  return gitLine(['rev-parse', '--verify', `${tracking}^{commit}`], { cwd: workspace });
}

/**
 * Lands a task's commit on the remote work branch: merge onto the fetched tip with the checkbox
 * ticked (landTask, on a private local ref so the job's own branches are untouched), then a plain
 * push, which the remote accepts only as a fast-forward: that is the compare-and-swap. A rejected push
 * means another job landed first: fetch the new tip and land again. A real conflict throws
 * MergeConflictError.
 */
export async function landAndPush(
  options: LandAndPushOptions,
): Promise<{ commit: string; attempts: number }> {
  const { workspace, branch, maxAttempts = 10 } = options;
  const remote = options.remote ?? 'origin';
  const landing = `quantumwala-landing/${branch}`;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const tip = await fetchTip(workspace, branch, remote);
    if (tip === null) throw new Error(`the work branch ${branch} does not exist on ${remote}`);
    await runGit(['update-ref', `refs/heads/${landing}`, tip], { cwd: workspace });
    const { workspace: _workspace, remote: _remote, maxAttempts: _max, ...land } = options;
    const { commit } = await landTask({ ...land, repoDir: workspace, branch: landing });
    const pushed = await runGit(['push', '--quiet', remote, `${commit}:refs/heads/${branch}`], {
      cwd: workspace,
      allowFail: true,
    });
    if (pushed.exitCode === 0) return { commit, attempts: attempt };
    if (!/non-fast-forward|fetch first|rejected|stale info|cannot lock ref/i.test(pushed.stderr)) {
      throw new Error(`git push to ${remote} ${branch} failed: ${pushed.stderr.trim()}`);
    }
    await sleep(Math.floor(Math.random() * Math.min(2000, 50 * 2 ** attempt)));
  }
  throw new Error(
    `gave up landing on ${branch} after ${maxAttempts} attempts: other jobs kept landing first`,
  );
}
