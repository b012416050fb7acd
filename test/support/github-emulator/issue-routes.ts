/** Issue comments and reactions (issues and pull requests share numbers; any number is accepted). */
import { notFound } from './api-error.js';
import { nodeId, paginate, simpleUser, str, type EmulatorCore, type RouteDef } from './emulator-core.js';
import type { Json } from './openapi/spec-document.js';
import type { IssueCommentRecord, ReactionRecord } from './types.js';

const R = '/repos/{owner}/{repo}/issues';

function commentJson(core: EmulatorCore, c: IssueCommentRecord): Json {
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    url: `${core.repoUrl}/issues/comments/${c.id}`,
    html_url: `${core.htmlUrl}/issues/${c.issue_number}#issuecomment-${c.id}`,
    issue_url: `${core.repoUrl}/issues/${c.issue_number}`,
    body: c.body,
    user: simpleUser(core, c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: core.users[c.user]?.permission === 'admin' ? 'OWNER' : 'NONE',
  };
}

function reactionJson(core: EmulatorCore, r: ReactionRecord): Json {
  return {
    id: r.id,
    node_id: nodeId('Reaction', r.id),
    user: simpleUser(core, r.user),
    content: r.content,
    created_at: r.created_at,
  };
}

function react(
  core: EmulatorCore,
  subject: ReactionRecord['subject'],
  content: string,
): { status: number; body: Json } {
  const same = core.state.reactions.find(
    (r) =>
      JSON.stringify(r.subject) === JSON.stringify(subject) && r.content === content && r.user === core.actor,
  );
  if (same) return { status: 200, body: reactionJson(core, same) };
  const reaction: ReactionRecord = {
    id: core.nextId(),
    subject,
    content,
    user: core.actor,
    created_at: core.now(),
  };
  core.state.reactions.push(reaction);
  return { status: 201, body: reactionJson(core, reaction) };
}

export const issueRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: `${R}/{issue_number}/comments`,
    handler: async ({ core, params, body }) => {
      const now = core.now();
      const comment: IssueCommentRecord = {
        id: core.nextId(),
        issue_number: Number(params.issue_number),
        body: str(body.body) ?? '',
        user: core.actor,
        created_at: now,
        updated_at: now,
      };
      core.state.issueComments.push(comment);
      const json = commentJson(core, comment);
      return { status: 201, body: json, headers: { location: String(json.url) } };
    },
  },
  {
    method: 'GET',
    template: `${R}/{issue_number}/comments`,
    handler: async ({ core, params, query }) => {
      const since = query.get('since');
      const all = core.state.issueComments.filter(
        (c) => c.issue_number === Number(params.issue_number) && (since === null || c.updated_at >= since),
      );
      return { status: 200, body: paginate(all, query).map((c) => commentJson(core, c)) };
    },
  },
  {
    method: 'POST',
    template: `${R}/comments/{comment_id}/reactions`,
    handler: async ({ core, params, body }) => {
      const id = Number(params.comment_id);
      if (!core.state.issueComments.some((c) => c.id === id)) throw notFound();
      return react(core, { kind: 'issue-comment', id }, str(body.content) ?? '');
    },
  },
  {
    method: 'POST',
    template: `${R}/{issue_number}/reactions`,
    handler: async ({ core, params, body }) =>
      react(core, { kind: 'issue', number: Number(params.issue_number) }, str(body.content) ?? ''),
  },
];
