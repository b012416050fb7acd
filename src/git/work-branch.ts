import { GitError, gitLine, runGit } from './run-git.js';

const ZERO_OID = /^0+$/;

function branchRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

/** The commit a revision names, or null when it names none. */
export async function resolveCommit(repoDir: string, rev: string): Promise<string | null> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
    cwd: repoDir,
    allowFail: true,
  });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** The branch's tip, or null when the branch does not exist. */
export async function branchTip(repoDir: string, branch: string): Promise<string | null> {
  return resolveCommit(repoDir, branchRef(branch));
}

async function zeroOid(repoDir: string): Promise<string> {
  const format = await gitLine(['rev-parse', '--show-object-format'], { cwd: repoDir });
  return '0'.repeat(format === 'sha256' ? 64 : 40);
}

/**
 * Moves the branch to newOid only if it is still at oldOid (null: only if it does not exist yet).
 * Returns false when it was not: another writer moved it, or holds its lock right now.
 */
export async function casUpdateBranch(
  repoDir: string,
  branch: string,
  newOid: string,
  oldOid: string | null,
  reason = 'quantumwala',
): Promise<boolean> {
  const ref = branchRef(branch);
  const expected = oldOid ?? (await zeroOid(repoDir));
  const r = await runGit(['update-ref', '-m', reason, ref, newOid, expected], {
    cwd: repoDir,
    allowFail: true,
  });
  if (r.exitCode === 0) return true;
  const valid = await runGit(['check-ref-format', ref], { cwd: repoDir, allowFail: true });
  if (valid.exitCode !== 0) throw new GitError(['update-ref', ref, newOid, expected], r, repoDir);
  // Decided by the ref's value rather than by the message, which differs between git versions.
  const now = await branchTip(repoDir, branch);
  const moved = oldOid === null || ZERO_OID.test(oldOid) ? now !== null : now !== oldOid;
  if (moved || /Unable to create '.*\.lock': File exists/.test(r.stderr)) return false;
  throw new GitError(['update-ref', ref, newOid, expected], r, repoDir);
}

/**
 * Creates the branch at `from` unless it exists (two concurrent creators: one wins, both get the same
 * tip). Returns the branch's tip.
 */
export async function ensureBranch(repoDir: string, branch: string, from = 'HEAD'): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const tip = await branchTip(repoDir, branch);
    if (tip !== null) return tip;
    const start = await resolveCommit(repoDir, from);
    if (start === null) throw new Error(`cannot create branch ${branch}: "${from}" names no commit`);
    if (await casUpdateBranch(repoDir, branch, start, null, `quantumwala: create from ${from}`)) return start;
  }
  throw new Error(`cannot create branch ${branch}: it keeps changing`);
}
