/** Pull requests: create (one open PR per head→base), list with filters, update. */
import { notFound, unprocessable } from './api-error.js';
import { nodeId, simpleUser, str, paginate, type EmulatorCore, type RouteDef } from './emulator-core.js';
import type { Json } from './openapi/spec-document.js';
import { repositoryJson } from './repo-routes.js';
import type { PullRecord } from './types.js';

const R = '/repos/{owner}/{repo}/pulls';

/** `owner:branch` or `branch` → branch, when the owner is this repo's. */
function branchOf(core: EmulatorCore, head: string): string | undefined {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  return head.slice(0, colon) === core.owner ? head.slice(colon + 1) : undefined;
}

async function pullJson(core: EmulatorCore, p: PullRecord): Promise<Json> {
  const url = `${core.repoUrl}/pulls/${p.number}`;
  const issue = `${core.repoUrl}/issues/${p.number}`;
  const html = `${core.htmlUrl}/pull/${p.number}`;
  const repo = repositoryJson(core);
  const side = async (branch: string): Promise<Json> => ({
    label: `${core.owner}:${branch}`,
    ref: branch,
    sha: (await core.git.resolveCommit(`refs/heads/${branch}`)) ?? '0'.repeat(40),
    user: simpleUser(core, core.owner),
    repo,
  });
  return {
    url,
    id: p.id,
    node_id: nodeId('PullRequest', p.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${core.repoUrl}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${core.repoUrl}/statuses/${p.head}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: simpleUser(core, p.user),
    body: p.body,
    labels: [],
    milestone: null,
    created_at: p.created_at,
    updated_at: p.updated_at,
    closed_at: p.closed_at,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: await side(p.head),
    base: await side(p.base),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${core.repoUrl}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${core.repoUrl}/statuses/${p.head}` },
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: p.draft,
    active_lock_reason: null,
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

function nextNumber(core: EmulatorCore): number {
  return (
    Math.max(
      0,
      ...core.state.pulls.map((p) => p.number),
      ...core.state.issueComments.map((c) => c.issue_number),
    ) + 1
  );
}

export const pullRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: R,
    handler: async ({ core, body }) => {
      const head = branchOf(core, str(body.head) ?? '');
      const base = str(body.base) ?? '';
      const headSha = head === undefined ? null : await core.git.resolveCommit(`refs/heads/${head}`);
      const baseSha = await core.git.resolveCommit(`refs/heads/${base}`);
      const invalid = (field: string): Error =>
        unprocessable('Validation Failed', [{ resource: 'PullRequest', field, code: 'invalid' }]);
      if (!headSha || head === undefined) throw invalid('head');
      if (!baseSha) throw invalid('base');
      if (core.state.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
        throw unprocessable('Validation Failed', [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${core.owner}:${head}.`,
          },
        ]);
      }
      if (headSha === baseSha || (await core.git.isAncestor(headSha, baseSha))) {
        throw unprocessable('Validation Failed', [
          { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
        ]);
      }
      const now = core.now();
      const pull: PullRecord = {
        id: core.nextId(),
        number: nextNumber(core),
        title: str(body.title) ?? '',
        body: str(body.body) ?? null,
        state: 'open',
        draft: body.draft === true,
        head,
        base,
        user: core.actor,
        created_at: now,
        updated_at: now,
        closed_at: null,
      };
      core.state.pulls.push(pull);
      const json = await pullJson(core, pull);
      return { status: 201, body: json, headers: { location: String(json.url) } };
    },
  },
  {
    method: 'GET',
    template: R,
    handler: async ({ core, query }) => {
      const state = query.get('state') ?? 'open';
      const headFilter = query.get('head');
      const head = headFilter === null ? null : branchOf(core, headFilter);
      const base = query.get('base');
      const pulls = core.state.pulls
        .filter(
          (p) =>
            (state === 'all' || p.state === state) &&
            (headFilter === null || p.head === head) &&
            (base === null || p.base === base),
        )
        .sort((a, b) => b.number - a.number);
      const body = [];
      for (const p of paginate(pulls, query)) body.push(await pullJson(core, p));
      return { status: 200, body };
    },
  },
  {
    method: 'PATCH',
    template: `${R}/{pull_number}`,
    handler: async ({ core, params, body }) => {
      const pull = core.state.pulls.find((p) => p.number === Number(params.pull_number));
      if (!pull) throw notFound();
      if (typeof body.title === 'string') pull.title = body.title;
      if (typeof body.body === 'string') pull.body = body.body;
      if (typeof body.base === 'string') {
        if (!(await core.git.resolveCommit(`refs/heads/${body.base}`))) {
          throw unprocessable('Validation Failed', [
            { resource: 'PullRequest', field: 'base', code: 'invalid' },
          ]);
        }
        pull.base = body.base;
      }
      if (body.state === 'open' || body.state === 'closed') {
        pull.state = body.state;
        pull.closed_at = body.state === 'closed' ? core.now() : null;
      }
      pull.updated_at = core.now();
      return { status: 200, body: await pullJson(core, pull) };
    },
  },
];
