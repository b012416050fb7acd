/** JSON shapes of git objects as GitHub's REST API returns them. */
import type { CommitInfo, TreeEntry } from './bare-repo.js';
import { nodeId, type EmulatorCore } from './emulator-core.js';
import type { Json } from './openapi/spec-document.js';

const VERIFICATION = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
};

export function gitRefJson(core: EmulatorCore, fullRef: string, sha: string, type: string): Json {
  const kind = type === 'tag' ? 'tags' : 'commits';
  return {
    ref: fullRef,
    node_id: nodeId('Ref', fullRef),
    url: `${core.repoUrl}/git/${encodeRefPath(fullRef)}`,
    object: { type, sha, url: `${core.repoUrl}/git/${kind}/${sha}` },
  };
}

/** `refs/heads/a b` → `refs/heads/a%20b` (slashes kept, as GitHub shows them). */
export const encodeRefPath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

export function gitCommitJson(core: EmulatorCore, c: CommitInfo): Json {
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${core.repoUrl}/git/commits/${c.sha}`,
    html_url: `${core.htmlUrl}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    message: c.message,
    tree: { sha: c.tree, url: `${core.repoUrl}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${core.repoUrl}/git/commits/${p}`,
      html_url: `${core.htmlUrl}/commit/${p}`,
    })),
    verification: VERIFICATION,
  };
}

/** The `commit` schema of GET /commits and GET /commits/{ref}. */
export function restCommitJson(core: EmulatorCore, c: CommitInfo): Json {
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${core.repoUrl}/commits/${c.sha}`,
    html_url: `${core.htmlUrl}/commit/${c.sha}`,
    comments_url: `${core.repoUrl}/commits/${c.sha}/comments`,
    commit: {
      url: `${core.repoUrl}/git/commits/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message.replace(/\n$/, ''),
      comment_count: 0,
      tree: { sha: c.tree, url: `${core.repoUrl}/git/trees/${c.tree}` },
      verification: VERIFICATION,
    },
    author: null,
    committer: null,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${core.repoUrl}/commits/${p}`,
      html_url: `${core.htmlUrl}/commit/${p}`,
    })),
  };
}

export function treeEntryJson(core: EmulatorCore, e: TreeEntry): Json {
  const kind = e.type === 'tree' ? 'trees' : 'blobs';
  return {
    path: e.path,
    mode: e.mode,
    type: e.type,
    sha: e.sha,
    ...(e.size === undefined ? {} : { size: e.size }),
    ...(e.type === 'commit' ? {} : { url: `${core.repoUrl}/git/${kind}/${e.sha}` }),
  };
}

/** Base64 wrapped at 60 columns with a trailing newline, like GitHub's blob and contents answers. */
export function wrappedBase64(content: Buffer): string {
  const b64 = content.toString('base64');
  return b64.length === 0 ? '' : `${b64.match(/.{1,60}/g)?.join('\n') ?? ''}\n`;
}

/** An item of the contents API (file or directory entry), without `content`. */
export function contentItemJson(core: EmulatorCore, e: TreeEntry, ref: string): Json {
  const isDir = e.type === 'tree';
  const self = `${core.repoUrl}/contents/${encodeRefPath(e.path)}?ref=${encodeURIComponent(ref)}`;
  const git = `${core.repoUrl}/git/${isDir ? 'trees' : 'blobs'}/${e.sha}`;
  const html = `${core.htmlUrl}/${isDir ? 'tree' : 'blob'}/${encodeRefPath(ref)}/${encodeRefPath(e.path)}`;
  return {
    type: isDir ? 'dir' : e.type === 'commit' ? 'submodule' : 'file',
    size: e.size ?? 0,
    name: e.path.split('/').pop() ?? e.path,
    path: e.path,
    sha: e.sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: isDir
      ? null
      : `https://raw.githubusercontent.com/${core.owner}/${core.repo}/${encodeRefPath(ref)}/${encodeRefPath(e.path)}`,
    _links: { self, git, html },
  };
}
