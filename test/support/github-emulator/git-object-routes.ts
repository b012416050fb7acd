/** Git objects: blobs, trees and commits (GET and POST), written into the bare repo with plumbing. */
import { ApiError, notFound, unprocessable } from './api-error.js';
import type { Signature } from './bare-repo.js';
import { isoSeconds } from './bare-repo.js';
import { simpleUser, str, type EmulatorCore, type RouteDef } from './emulator-core.js';
import { gitCommitJson, treeEntryJson, wrappedBase64 } from './git-shapes.js';
import { isJson, type Json } from './openapi/spec-document.js';
import type { TreeChange } from './tree-writer.js';

const R = '/repos/{owner}/{repo}/git';

/** Author/committer from a request body, defaulting to the emulator's actor and now. */
export function signature(core: EmulatorCore, value: unknown, fallback?: Signature): Signature {
  const base = fallback ?? {
    name: core.actor,
    email: `${String(simpleUser(core, core.actor).id)}+${core.actor}@users.noreply.github.com`,
    date: core.now(),
  };
  if (!isJson(value)) return base;
  const date = str(value.date);
  return {
    name: str(value.name) ?? base.name,
    email: str(value.email) ?? base.email,
    date: date !== undefined && !Number.isNaN(Date.parse(date)) ? isoSeconds(new Date(date)) : base.date,
  };
}

async function treeChanges(core: EmulatorCore, entries: unknown[]): Promise<TreeChange[]> {
  const changes: TreeChange[] = [];
  for (const raw of entries) {
    const e: Json = isJson(raw) ? raw : {};
    const path = str(e.path) ?? '';
    const mode = str(e.mode) ?? '100644';
    const type = (str(e.type) ?? 'blob') as TreeChange['type'];
    const content = str(e.content);
    if (content !== undefined) {
      changes.push({ path, mode, type: 'blob', sha: await core.git.writeBlob(Buffer.from(content)) });
    } else if (e.sha === null) {
      changes.push({ path, mode, type, sha: null });
    } else {
      const sha = str(e.sha) ?? '';
      if (type !== 'commit' && (await core.git.objectType(sha)) !== type) {
        throw unprocessable(`GitHub error: tree.sha ${sha} is not a valid ${type}`);
      }
      changes.push({ path, mode: mode === '40000' ? '040000' : mode, type, sha });
    }
  }
  return changes;
}

async function treeJson(core: EmulatorCore, sha: string, recursive: boolean): Promise<Json> {
  const entries = await core.git.readTree(sha, recursive);
  return {
    sha,
    url: `${core.repoUrl}/git/trees/${sha}`,
    tree: entries.map((e) => treeEntryJson(core, e)),
    truncated: false,
  };
}

export const gitObjectRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: `${R}/blobs`,
    handler: async ({ core, body }) => {
      const encoding = str(body.encoding) ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'base64') {
        throw unprocessable(`encoding must be "utf-8" or "base64"`);
      }
      const content = str(body.content) ?? '';
      const sha = await core.git.writeBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
      const url = `${core.repoUrl}/git/blobs/${sha}`;
      return { status: 201, body: { url, sha }, headers: { location: url } };
    },
  },
  {
    method: 'GET',
    template: `${R}/blobs/{file_sha}`,
    handler: async ({ core, params }) => {
      const sha = params.file_sha ?? '';
      const content = await core.git.readBlob(sha);
      if (!content) throw notFound();
      return {
        status: 200,
        body: {
          sha,
          node_id: Buffer.from(`0:Blob${sha}`).toString('base64'),
          size: content.length,
          url: `${core.repoUrl}/git/blobs/${sha}`,
          content: wrappedBase64(content),
          encoding: 'base64',
        },
      };
    },
  },
  {
    method: 'POST',
    template: `${R}/trees`,
    handler: async ({ core, body }) => {
      const base = str(body.base_tree);
      if (base !== undefined && (await core.git.objectType(base)) !== 'tree') {
        throw unprocessable('base_tree is not a valid tree oid');
      }
      const changes = await treeChanges(core, Array.isArray(body.tree) ? body.tree : []);
      const sha = await core.git.writeTree(base, changes);
      const url = `${core.repoUrl}/git/trees/${sha}`;
      return { status: 201, body: await treeJson(core, sha, false), headers: { location: url } };
    },
  },
  {
    method: 'GET',
    template: `${R}/trees/{tree_sha}`,
    handler: async ({ core, params, query }) => {
      const name = params.tree_sha ?? '';
      const type = await core.git.objectType(name);
      const tree =
        type === 'tree'
          ? name
          : (await core.git.resolveCommit(name)) &&
            (await core.git.git(['rev-parse', `${name}^{tree}`])).trim();
      if (!tree) throw notFound();
      return { status: 200, body: await treeJson(core, tree, query.has('recursive')) };
    },
  },
  {
    method: 'POST',
    template: `${R}/commits`,
    handler: async ({ core, body }) => {
      const tree = str(body.tree) ?? '';
      if ((await core.git.objectType(tree)) !== 'tree') throw unprocessable('Tree SHA does not exist');
      const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
      for (const p of parents) {
        if ((await core.git.objectType(p)) !== 'commit') {
          throw unprocessable('Parent SHA does not exist or is not a commit object');
        }
      }
      const author = signature(core, body.author);
      const committer = signature(core, body.committer, author);
      const message = str(body.message) ?? '';
      const sha = await core.git.writeCommit({ tree, parents, message, author, committer });
      const info = await core.git.readCommit(sha);
      if (!info) throw new ApiError(500, 'commit vanished');
      const json = gitCommitJson(core, info);
      return { status: 201, body: json, headers: { location: String(json.url) } };
    },
  },
  {
    method: 'GET',
    template: `${R}/commits/{commit_sha}`,
    handler: async ({ core, params }) => {
      const info = await core.git.readCommit(params.commit_sha ?? '');
      if (!info) throw notFound();
      return { status: 200, body: gitCommitJson(core, info) };
    },
  },
];
