import type { GitHubRestClient } from '../../src/github/octokit.js';

/** The repository roles that may start, cancel or retry runs. */
const ALLOWED_ROLES = new Set(['admin', 'maintain', 'write']);

export interface Authorization {
  allowed: boolean;
  /** The user's role as GitHub names it (admin, maintain, write, triage, read, none). */
  role: string;
}

/**
 * Whether `login` may change runs in the repository: write, maintain or admin permission, as
 * GitHub's collaborator permission endpoint reports it (`role_name` carries maintain and triage,
 * which the legacy `permission` field folds into write and read). Not a collaborator → not allowed.
 */
export async function authorize(
  octokit: GitHubRestClient,
  owner: string,
  repo: string,
  login: string,
): Promise<Authorization> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username: login,
    });
    const role = data.role_name || data.permission;
    return { allowed: ALLOWED_ROLES.has(role) || data.permission === 'admin', role };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 404 || status === 403) return { allowed: false, role: 'none' };
    throw err;
  }
}

/** Bots (this app, other apps, github-actions) never drive runs. */
export function isBot(user: { type?: string | null; login?: string | null } | null | undefined): boolean {
  return !user || user.type === 'Bot' || /\[bot\]$/.test(user.login ?? '');
}
