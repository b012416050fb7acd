/** The contents API: GET a file or directory at a ref, PUT a file as a new commit on a branch. */
import { ApiError, conflict, notFound, unprocessable } from './api-error.js';
import { signature } from './git-object-routes.js';
import { str, type EmulatorCore, type RouteDef } from './emulator-core.js';
import { contentItemJson, gitCommitJson, wrappedBase64 } from './git-shapes.js';

const T = '/repos/{owner}/{repo}/contents/{path}';

async function commitFor(core: EmulatorCore, ref: string): Promise<string> {
  const sha = await core.git.resolveCommit(ref);
  if (!sha) throw notFound(`No commit found for the ref ${ref}`);
  return sha;
}

export const contentsRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: T,
    handler: async ({ core, params, query }) => {
      const ref = query.get('ref') ?? core.defaultBranch;
      const commit = await commitFor(core, ref);
      const path = (params.path ?? '').replace(/^\/+|\/+$/g, '');
      const entry = await core.git.entryAt(commit, path);
      if (!entry) throw notFound();
      if (entry.type === 'tree') {
        const children = await core.git.readTree(entry.sha);
        const items = children.map((c) => contentItemJson(core, { ...c, path: `${path}/${c.path}` }, ref));
        return { status: 200, body: items };
      }
      const content = (await core.git.readBlob(entry.sha)) ?? Buffer.alloc(0);
      return {
        status: 200,
        body: {
          ...contentItemJson(core, { ...entry, size: content.length }, ref),
          content: wrappedBase64(content),
          encoding: 'base64',
        },
      };
    },
  },
  {
    method: 'PUT',
    template: T,
    handler: async ({ core, params, body }) => {
      const path = (params.path ?? '').replace(/^\/+|\/+$/g, '');
      const branch = str(body.branch) ?? core.defaultBranch;
      const fullRef = `refs/heads/${branch.replace(/^refs\/heads\//, '')}`;
      const expected = str(body.sha);
      const content = Buffer.from(str(body.content) ?? '', 'base64');
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const head = await core.git.readRef(fullRef);
        if (!head) throw notFound(`Branch ${branch} not found`);
        const existing = await core.git.entryAt(head.sha, path);
        if (existing?.type === 'tree') throw unprocessable(`${path} is a directory`);
        if (existing && expected === undefined) {
          throw unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.');
        }
        if (existing && expected !== existing.sha) throw conflict(`${path} does not match ${expected}`);
        const blob = await core.git.writeBlob(content);
        const headCommit = await core.git.readCommit(head.sha);
        const tree = await core.git.writeTree(headCommit?.tree, [
          { path, mode: existing?.mode ?? '100644', type: 'blob', sha: blob },
        ]);
        const author = signature(core, body.author ?? body.committer);
        const committer = signature(core, body.committer, author);
        const message = str(body.message) ?? '';
        const sha = await core.git.writeCommit({ tree, parents: [head.sha], message, author, committer });
        if (!(await core.git.updateRef(fullRef, sha, head.sha))) continue; // a concurrent writer won
        const info = await core.git.readCommit(sha);
        const entry = await core.git.entryAt(sha, path);
        if (!info || !entry) throw new ApiError(500, 'commit vanished');
        return {
          status: existing ? 200 : 201,
          body: { content: contentItemJson(core, entry, branch), commit: gitCommitJson(core, info) },
        };
      }
      throw conflict(`${fullRef} moved too often while writing ${path}`);
    },
  },
];
