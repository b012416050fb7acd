/** The repository itself, its commit history and collaborator permissions. */
import { notFound, unprocessable } from './api-error.js';
import { nodeId, paginate, simpleUser, type EmulatorCore, type RouteDef } from './emulator-core.js';
import { restCommitJson } from './git-shapes.js';
import type { Json } from './openapi/spec-document.js';
import type { Permission } from './types.js';

const R = '/repos/{owner}/{repo}';
export const REPO_ID = 4242;

/** The legacy `permission` value GitHub reports next to `role_name`. */
const LEGACY: Record<Permission, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

const RANK: Permission[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];

export function permissionsObject(p: Permission): Record<string, boolean> {
  const at = RANK.indexOf(p);
  return {
    admin: at >= 5,
    maintain: at >= 4,
    push: at >= 3,
    triage: at >= 2,
    pull: at >= 1,
  };
}

export function repositoryJson(core: EmulatorCore): Json {
  const created = '2024-01-01T00:00:00Z';
  return {
    id: REPO_ID,
    node_id: nodeId('Repository', REPO_ID),
    name: core.repo,
    full_name: `${core.owner}/${core.repo}`,
    owner: simpleUser(core, core.owner),
    private: false,
    html_url: core.htmlUrl,
    description: null,
    fork: false,
    url: core.repoUrl,
    clone_url: `${core.htmlUrl}.git`,
    git_url: `git://github.com/${core.owner}/${core.repo}.git`,
    ssh_url: `git@github.com:${core.owner}/${core.repo}.git`,
    svn_url: core.htmlUrl,
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    default_branch: core.defaultBranch,
    visibility: 'public',
    archived: false,
    disabled: false,
    created_at: created,
    updated_at: created,
    pushed_at: core.now(),
    permissions: permissionsObject(core.users[core.actor]?.permission ?? 'admin'),
  };
}

export const repoRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: R,
    handler: async ({ core }) => ({ status: 200, body: repositoryJson(core) }),
  },
  {
    method: 'GET',
    template: `${R}/commits`,
    handler: async ({ core, query }) => {
      const from = query.get('sha') ?? core.defaultBranch;
      const head = await core.git.resolveCommit(from);
      if (!head) throw notFound(`No commit found for SHA: ${from}`);
      const all = await core.git.revList(head, 0, 10_000);
      const commits = [];
      for (const sha of paginate(all, query)) {
        const info = await core.git.readCommit(sha);
        if (info) commits.push(restCommitJson(core, info));
      }
      return { status: 200, body: commits };
    },
  },
  {
    method: 'GET',
    template: `${R}/commits/{ref}`,
    handler: async ({ core, params }) => {
      const ref = params.ref ?? '';
      const sha = await core.git.resolveCommit(ref);
      const info = sha ? await core.git.readCommit(sha) : null;
      if (!info) throw unprocessable(`No commit found for SHA: ${ref}`);
      const parent = info.parents[0];
      const numstat = await core.git.git([
        'diff-tree',
        '-r',
        '--numstat',
        '--no-commit-id',
        ...(parent ? [parent, info.sha] : ['--root', info.sha]),
      ]);
      const files = numstat
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [add = '0', del = '0', filename = ''] = line.split('\t');
          const additions = Number(add) || 0;
          const deletions = Number(del) || 0;
          return { filename, additions, deletions, changes: additions + deletions, status: 'modified' };
        });
      const sum = (k: 'additions' | 'deletions'): number => files.reduce((n, f) => n + f[k], 0);
      const stats = { additions: sum('additions'), deletions: sum('deletions'), total: 0 };
      stats.total = stats.additions + stats.deletions;
      return { status: 200, body: { ...restCommitJson(core, info), stats, files } };
    },
  },
  {
    method: 'GET',
    template: `${R}/collaborators/{username}/permission`,
    handler: async ({ core, params }) => {
      const login = params.username ?? '';
      const known = core.users[login];
      if (!known) throw notFound(`${login} is not a user`);
      return {
        status: 200,
        body: {
          permission: LEGACY[known.permission],
          role_name: known.permission === 'none' ? 'none' : known.permission,
          user: {
            ...simpleUser(core, login),
            permissions: permissionsObject(known.permission),
            role_name: known.permission,
          },
        },
      };
    },
  },
];
