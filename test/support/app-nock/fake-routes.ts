/**
 * The endpoints the fake GitHub answers, with GitHub's documented statuses and messages. Answers
 * carry the fields that matter; the rest of each documented shape is filled in from the OpenAPI
 * schema by the fake before it is sent.
 */
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../shared-specs.js';
import { GitModel } from './git-model.js';
import { API, apiError, type FakeGitHub } from './fake-github.js';
import type { FakePull, FakeWorkflowRun, Json, Reply, RouteDef, RouteRequest } from './types.js';

const MANIFEST_PERMISSIONS = (
  parseYaml(readFileSync(path.join(PROJECT_ROOT, 'app.yml'), 'utf8')) as { default_permissions: Json }
).default_permissions;

const LEGACY_PERMISSION: Record<string, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
};

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** GitHub wraps base64 content at 60 columns. */
const base64Lines = (bytes: Buffer): string => (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n');

function user(login: string, type = 'User'): Json {
  return { login, id: login.length * 1000 + 7, node_id: `U_${login}`, type, site_admin: false };
}

export function fakeRoutes(gh: FakeGitHub): RouteDef[] {
  const repoApi = `${API}/repos/${gh.fullName}`;
  const htmlUrl = `https://github.com/${gh.fullName}`;
  const repository = (fullName = gh.fullName): Json => {
    const [owner = gh.owner, name = gh.repo] = fullName.split('/');
    return {
      id: fullName === gh.fullName ? 1296269 : 1296270,
      node_id: `R_${fullName}`,
      name,
      full_name: fullName,
      owner: user(owner, 'Organization'),
      private: false,
      html_url: `https://github.com/${fullName}`,
      url: `${API}/repos/${fullName}`,
      default_branch: gh.defaultBranch,
      fork: fullName !== gh.fullName,
    };
  };
  const ours = (req: RouteRequest): boolean =>
    req.params.owner?.toLowerCase() === gh.owner.toLowerCase() &&
    req.params.repo?.toLowerCase() === gh.repo.toLowerCase();

  /** Routes under /repos/{owner}/{repo}: another repository does not exist here (404). */
  const inRepo = (
    method: RouteDef['method'],
    path: string,
    handler: (req: RouteRequest) => Reply,
  ): RouteDef => ({
    method,
    template: `/repos/{owner}/{repo}${path}`,
    handler: (req) => (ours(req) ? handler(req) : apiError(404, 'Not Found')),
  });

  const refShape = (name: string, sha: string): Json => ({
    ref: `refs/heads/${name}`,
    node_id: `REF_${name}`,
    url: `${repoApi}/git/refs/heads/${name}`,
    object: { type: 'commit', sha, url: `${repoApi}/git/commits/${sha}` },
  });

  const workflowRunShape = (r: FakeWorkflowRun): Json => ({
    id: r.id,
    name: 'quantumwala',
    node_id: `WFR_${r.id}`,
    display_title: r.displayTitle,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    head_branch: r.headBranch,
    head_sha: r.headSha,
    path: `.github/workflows/${r.workflow}`,
    workflow_id: 4242,
    run_number: r.id,
    run_attempt: 1,
    created_at: r.createdAt,
    updated_at: r.createdAt,
    html_url: `${htmlUrl}/actions/runs/${r.id}`,
    url: `${repoApi}/actions/runs/${r.id}`,
  });

  const pullShape = (p: FakePull): Json => {
    const base = gh.git.resolve(p.baseRef);
    return {
      id: p.number * 100,
      node_id: `PR_${p.number}`,
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      draft: p.draft,
      locked: false,
      user: user('alice'),
      html_url: `${htmlUrl}/pull/${p.number}`,
      url: `${repoApi}/pulls/${p.number}`,
      head: {
        label: `${p.headRepo.split('/')[0] ?? ''}:${p.headRef}`,
        ref: p.headRef,
        sha: p.headSha,
        repo: repository(p.headRepo),
        user: user(p.headRepo.split('/')[0] ?? gh.owner),
      },
      base: {
        label: `${gh.owner}:${p.baseRef}`,
        ref: p.baseRef,
        sha: base?.sha ?? '0'.repeat(40),
        repo: repository(),
        user: user(gh.owner, 'Organization'),
      },
    };
  };

  return [
    // ---- installation tokens (JWT checked by the fake) ----
    {
      method: 'POST',
      template: '/app/installations/{installation_id}/access_tokens',
      handler: (req) => {
        if (Number(req.params.installation_id) !== gh.installationId) return apiError(404, 'Not Found');
        const token = `ghs_${String(gh.nextId()).padStart(36, '0')}`;
        gh.issuedTokens.add(token);
        return {
          status: 201,
          body: {
            token,
            expires_at: new Date(gh.now().getTime() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            // What the app asked for when it was registered.
            permissions: MANIFEST_PERMISSIONS,
            repository_selection: 'selected',
          },
        };
      },
    },

    // ---- contents ----
    inRepo('GET', '/contents/{path}', (req) => {
      const path = req.params.path ?? '';
      const ref = req.query.get('ref') ?? gh.defaultBranch;
      const commit = gh.git.resolve(ref);
      if (!commit) return apiError(404, `No commit found for the ref ${ref}`);
      const blob = gh.git.filesOf(commit.sha).get(path);
      const bytes = blob === undefined ? undefined : gh.git.blobs.get(blob);
      if (blob === undefined || bytes === undefined) return apiError(404, 'Not Found');
      if (/\braw\b/.test(req.headers.accept ?? '')) {
        return {
          status: 200,
          body: bytes.toString('utf8'),
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        };
      }
      const large = bytes.length > gh.inlineLimit;
      const url = `${repoApi}/contents/${path}?ref=${ref}`;
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: large ? 'none' : 'base64',
          size: bytes.length,
          name: path.split('/').pop(),
          path,
          content: large ? '' : base64Lines(bytes),
          sha: blob,
          url,
          git_url: `${repoApi}/git/blobs/${blob}`,
          html_url: `${htmlUrl}/blob/${ref}/${path}`,
          download_url: `https://raw.githubusercontent.com/${gh.fullName}/${ref}/${path}`,
          _links: { self: url, git: `${repoApi}/git/blobs/${blob}`, html: `${htmlUrl}/blob/${ref}/${path}` },
        },
      };
    }),
    inRepo('PUT', '/contents/{path}', (req) => {
      const path = req.params.path ?? '';
      const branch = text(req.body.branch) ?? gh.defaultBranch;
      const tip = gh.git.refs.get(branch);
      if (!tip) return apiError(404, `Branch ${branch} not found`);
      const files = gh.git.filesOf(tip);
      const current = files.get(path);
      const sha = text(req.body.sha);
      if (current !== undefined && sha === undefined)
        return apiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
      if (current !== undefined && sha !== current)
        return apiError(409, `${path} does not match ${sha ?? ''}`);
      const blob = gh.git.putBlob(Buffer.from(text(req.body.content) ?? '', 'base64'));
      const tree = gh.git.putTree(new Map([...files, [path, blob]]));
      const commit = gh.git.newCommit(text(req.body.message) ?? '', tree, [tip]);
      gh.git.refs.set(branch, commit);
      const size = gh.git.blobs.get(blob)?.length ?? 0;
      return {
        status: current === undefined ? 201 : 200,
        body: {
          content: { type: 'file', name: path.split('/').pop(), path, sha: blob, size },
          commit: {
            sha: commit,
            node_id: `C_${commit}`,
            message: text(req.body.message) ?? '',
            tree: { sha: tree, url: `${repoApi}/git/trees/${tree}` },
            parents: [
              { sha: tip, url: `${repoApi}/git/commits/${tip}`, html_url: `${htmlUrl}/commit/${tip}` },
            ],
          },
        },
      };
    }),

    // ---- refs, trees, blobs, commits ----
    inRepo('GET', '/git/ref/{ref}', (req) => {
      const name = (req.params.ref ?? '').replace(/^heads\//, '');
      const sha = gh.git.refs.get(name);
      return sha ? { status: 200, body: refShape(name, sha) } : apiError(404, 'Not Found');
    }),
    inRepo('POST', '/git/refs', (req) => {
      const ref = text(req.body.ref) ?? '';
      const sha = text(req.body.sha) ?? '';
      if (!ref.startsWith('refs/') || ref.split('/').length < 3)
        return apiError(422, 'Reference name must contain at least three slash-separated components.');
      const name = ref.replace(/^refs\/heads\//, '');
      if (gh.git.refs.has(name)) return apiError(422, 'Reference already exists');
      if (!gh.git.commits.has(sha)) return apiError(422, 'Object does not exist');
      gh.git.refs.set(name, sha);
      return { status: 201, body: refShape(name, sha) };
    }),
    inRepo('GET', '/git/trees/{tree_sha}', (req) => {
      const key = req.params.tree_sha ?? '';
      const commit = gh.git.resolve(key);
      const treeSha = commit ? commit.tree : key;
      const files = gh.git.trees.get(treeSha);
      if (!files) return apiError(404, 'Not Found');
      const recursive = req.query.get('recursive') !== null;
      const dirs = new Set<string>();
      const tree: Json[] = [];
      for (const [path, blob] of files) {
        const parts = path.split('/');
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
        if (!recursive && parts.length > 1) continue;
        tree.push({
          path,
          mode: '100644',
          type: 'blob',
          sha: blob,
          size: gh.git.blobs.get(blob)?.length ?? 0,
          url: `${repoApi}/git/blobs/${blob}`,
        });
      }
      for (const dir of dirs) {
        if (!recursive && dir.includes('/')) continue;
        const sha = GitModel.dirSha(treeSha, dir);
        tree.push({ path: dir, mode: '040000', type: 'tree', sha, url: `${repoApi}/git/trees/${sha}` });
      }
      tree.sort((a, b) => String(a.path).localeCompare(String(b.path)));
      return {
        status: 200,
        body: { sha: treeSha, url: `${repoApi}/git/trees/${treeSha}`, tree, truncated: false },
      };
    }),
    inRepo('POST', '/git/trees', (req) => {
      const base = text(req.body.base_tree);
      const files = new Map(base ? (gh.git.trees.get(base) ?? []) : []);
      const entries = Array.isArray(req.body.tree) ? (req.body.tree as Json[]) : [];
      for (const e of entries) {
        const path = text(e.path) ?? '';
        const content = text(e.content);
        const sha = text(e.sha);
        if (content !== undefined) files.set(path, gh.git.putBlob(content));
        else if (sha && gh.git.blobs.has(sha)) files.set(path, sha);
        else if (e.sha === null) files.delete(path);
        else return apiError(422, `tree.sha ${sha ?? ''} is not a valid blob`);
      }
      const sha = gh.git.putTree(files);
      return { status: 201, body: { sha, url: `${repoApi}/git/trees/${sha}`, tree: [], truncated: false } };
    }),
    inRepo('GET', '/git/blobs/{file_sha}', (req) => {
      const sha = req.params.file_sha ?? '';
      const bytes = gh.git.blobs.get(sha);
      if (!bytes) return apiError(404, 'Not Found');
      return {
        status: 200,
        body: {
          sha,
          node_id: `B_${sha}`,
          size: bytes.length,
          url: `${repoApi}/git/blobs/${sha}`,
          content: base64Lines(bytes),
          encoding: 'base64',
        },
      };
    }),
    inRepo('POST', '/git/commits', (req) => {
      const tree = text(req.body.tree) ?? '';
      if (!gh.git.trees.has(tree)) return apiError(422, 'Tree SHA does not exist');
      const parents = Array.isArray(req.body.parents) ? req.body.parents.map(String) : [];
      if (parents.some((p) => !gh.git.commits.has(p)))
        return apiError(422, 'Parent SHA does not exist or is not a commit object');
      const message = text(req.body.message) ?? '';
      const sha = gh.git.newCommit(message, tree, parents);
      const who = { name: 'quantumwala[bot]', email: 'bot@example.com', date: gh.now().toISOString() };
      return {
        status: 201,
        body: {
          sha,
          node_id: `C_${sha}`,
          url: `${repoApi}/git/commits/${sha}`,
          html_url: `${htmlUrl}/commit/${sha}`,
          message,
          author: who,
          committer: who,
          tree: { sha: tree, url: `${repoApi}/git/trees/${tree}` },
          parents: parents.map((p) => ({
            sha: p,
            url: `${repoApi}/git/commits/${p}`,
            html_url: `${htmlUrl}/commit/${p}`,
          })),
          verification: {
            verified: false,
            reason: 'unsigned',
            signature: null,
            payload: null,
            verified_at: null,
          },
        },
      };
    }),
    inRepo('GET', '/commits', (req) => {
      const list = gh.git.history(req.query.get('sha') ?? gh.defaultBranch);
      if (list.length === 0) return apiError(404, `No commit found for SHA: ${req.query.get('sha') ?? ''}`);
      const perPage = Number(req.query.get('per_page') ?? 30);
      const page = Number(req.query.get('page') ?? 1);
      const items = list.slice((page - 1) * perPage, page * perPage).map((c) => ({
        sha: c.sha,
        node_id: `C_${c.sha}`,
        url: `${repoApi}/commits/${c.sha}`,
        html_url: `${htmlUrl}/commit/${c.sha}`,
        comments_url: `${repoApi}/commits/${c.sha}/comments`,
        commit: {
          message: c.message,
          tree: { sha: c.tree, url: `${repoApi}/git/trees/${c.tree}` },
          url: `${repoApi}/git/commits/${c.sha}`,
          comment_count: 0,
        },
        parents: c.parents.map((p) => ({ sha: p, url: `${repoApi}/commits/${p}` })),
        author: null,
        committer: null,
      }));
      const last = Math.ceil(list.length / perPage);
      const link = (p: number, rel: string) =>
        `<${repoApi}/commits?sha=${req.query.get('sha') ?? ''}&per_page=${perPage}&page=${p}>; rel="${rel}"`;
      return {
        status: 200,
        body: items,
        ...(page < last
          ? { headers: { link: [link(page + 1, 'next'), link(last, 'last')].join(', ') } }
          : {}),
      };
    }),

    // ---- people ----
    inRepo('GET', '/collaborators/{username}/permission', (req) => {
      const login = req.params.username ?? '';
      const role = gh.roles.get(login);
      if (role === undefined) return apiError(404, `${login} is not a user`);
      return {
        status: 200,
        body: {
          permission: LEGACY_PERMISSION[role] ?? 'none',
          role_name: role,
          user: {
            ...user(login),
            permissions: {
              admin: role === 'admin',
              maintain: role === 'maintain',
              push: ['admin', 'maintain', 'write'].includes(role),
              triage: role !== 'read',
              pull: true,
            },
          },
        },
      };
    }),

    // ---- issues ----
    inRepo('POST', '/issues/comments/{comment_id}/reactions', (req) => {
      const commentId = Number(req.params.comment_id);
      const content = text(req.body.content) ?? '';
      const again = gh.reactions.some((r) => r.commentId === commentId && r.content === content);
      gh.reactions.push({ seq: req.seq, commentId, content });
      // The same reaction by the same user again: GitHub answers 200 with the existing one.
      return {
        status: again ? 200 : 201,
        body: {
          id: gh.nextId(),
          node_id: 'REA',
          user: user('quantumwala[bot]', 'Bot'),
          content,
          created_at: gh.now().toISOString(),
        },
      };
    }),
    inRepo('POST', '/issues/{issue_number}/comments', (req) => {
      const issue = Number(req.params.issue_number);
      const body = text(req.body.body) ?? '';
      const id = gh.nextId();
      gh.comments.push({ seq: req.seq, id, issue, body });
      return {
        status: 201,
        body: {
          id,
          node_id: `IC_${id}`,
          body,
          user: user('quantumwala[bot]', 'Bot'),
          html_url: `${htmlUrl}/issues/${issue}#issuecomment-${id}`,
          issue_url: `${repoApi}/issues/${issue}`,
          url: `${repoApi}/issues/comments/${id}`,
          created_at: gh.now().toISOString(),
          updated_at: gh.now().toISOString(),
          author_association: 'NONE',
        },
      };
    }),

    // ---- check runs ----
    inRepo('POST', '/check-runs', (req) => {
      const headSha = text(req.body.head_sha) ?? '';
      if (!gh.git.commits.has(headSha)) return apiError(422, `No commit found for SHA: ${headSha}`);
      const id = gh.nextId();
      gh.checkRuns.set(id, { id, created: req.body, updates: [] });
      return { status: 201, body: checkRunShape(id, req.body, req.body) };
    }),
    inRepo('PATCH', '/check-runs/{check_run_id}', (req) => {
      const id = Number(req.params.check_run_id);
      const run = gh.checkRuns.get(id);
      if (!run) return apiError(404, 'Not Found');
      run.updates.push(req.body);
      return {
        status: 200,
        body: checkRunShape(id, run.created, Object.assign({}, run.created, ...run.updates) as Json),
      };
    }),

    // ---- actions ----
    inRepo('POST', '/actions/workflows/{workflow_id}/dispatches', (req) => {
      const workflow = req.params.workflow_id ?? '';
      const ref = text(req.body.ref) ?? '';
      const commit = gh.git.resolve(ref);
      if (!commit) return apiError(422, `No ref found for: ${ref}`);
      const yaml = gh.git.fileAt(commit.sha, `.github/workflows/${workflow}`);
      if (yaml === undefined) return apiError(404, 'Not Found');
      const on = (
        parseYaml(yaml) as {
          on?: { workflow_dispatch?: { inputs?: Record<string, { required?: boolean }> } };
        }
      ).on;
      if (!on?.workflow_dispatch) return apiError(422, "Workflow does not have 'workflow_dispatch' trigger");
      const declared = on.workflow_dispatch.inputs ?? {};
      const inputs = (req.body.inputs ?? {}) as Record<string, unknown>;
      const unexpected = Object.keys(inputs).filter((k) => !(k in declared));
      if (unexpected.length > 0)
        return apiError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
      const missing = Object.entries(declared).find(
        ([k, d]) => d.required === true && inputs[k] === undefined,
      );
      if (missing) return apiError(422, `Required input '${missing[0]}' not provided`);
      const strings = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)]));
      // What the workflow's run-name and job name say (.github/workflows/quantumwala.yml).
      const spec = strings.spec ?? '';
      const tag = `[${strings['run-id'] ?? ''}#${strings.dispatch ?? ''}]`;
      const runId = gh.nextId();
      const tasks = JSON.parse(strings.tasks ?? '[]') as string[];
      gh.workflowRuns.push({
        id: runId,
        workflow,
        displayTitle: `quantumwala ${spec} ${tag}`,
        event: 'workflow_dispatch',
        status: 'queued',
        conclusion: null,
        headBranch: ref.replace(/^refs\/heads\//, ''),
        headSha: commit.sha,
        createdAt: gh
          .now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        inputs: strings,
        jobs: tasks.map((task) => {
          const id = gh.nextId();
          return {
            id,
            runId,
            name: `${spec} ${task} ${tag}`,
            status: 'queued',
            conclusion: null,
            htmlUrl: `${htmlUrl}/actions/runs/${runId}/job/${id}`,
          };
        }),
      });
      gh.dispatches.push({ seq: req.seq, workflow, ref, inputs: strings, runId });
      return { status: 204 };
    }),
    inRepo('GET', '/actions/workflows/{workflow_id}/runs', (req) => {
      const created = /^>=(.+)$/.exec(req.query.get('created') ?? '')?.[1];
      const event = req.query.get('event');
      const runs = gh.workflowRuns
        .filter((r) => r.workflow === req.params.workflow_id)
        .filter((r) => event === null || r.event === event)
        .filter((r) => created === undefined || Date.parse(r.createdAt) >= Date.parse(created))
        .sort((a, b) => b.id - a.id);
      const perPage = Number(req.query.get('per_page') ?? 30);
      const page = Number(req.query.get('page') ?? 1);
      return {
        status: 200,
        body: {
          total_count: runs.length,
          workflow_runs: runs.slice((page - 1) * perPage, page * perPage).map(workflowRunShape),
        },
      };
    }),
    inRepo('GET', '/actions/runs/{run_id}/jobs', (req) => {
      const run = gh.workflowRuns.find((r) => r.id === Number(req.params.run_id));
      if (!run) return apiError(404, 'Not Found');
      const perPage = Number(req.query.get('per_page') ?? 30);
      const page = Number(req.query.get('page') ?? 1);
      const jobs = run.jobs.slice((page - 1) * perPage, page * perPage).map((j) => ({
        id: j.id,
        run_id: run.id,
        run_url: `${repoApi}/actions/runs/${run.id}`,
        node_id: `J_${j.id}`,
        head_sha: run.headSha,
        head_branch: run.headBranch,
        url: `${repoApi}/actions/jobs/${j.id}`,
        html_url: j.htmlUrl,
        status: j.status,
        conclusion: j.conclusion,
        name: j.name,
        workflow_name: 'quantumwala',
        started_at: run.createdAt,
        completed_at: j.status === 'completed' ? run.createdAt : null,
        created_at: run.createdAt,
        labels: ['ubuntu-latest'],
        steps: [],
        runner_id: null,
        runner_name: null,
        runner_group_id: null,
        runner_group_name: null,
        check_run_url: `${repoApi}/check-runs/${j.id}`,
        run_attempt: 1,
      }));
      return { status: 200, body: { total_count: run.jobs.length, jobs } };
    }),
    inRepo('POST', '/actions/runs/{run_id}/cancel', (req) => {
      const run = gh.workflowRuns.find((r) => r.id === Number(req.params.run_id));
      if (!run) return apiError(404, 'Not Found');
      if (run.status === 'completed') return apiError(409, 'Cannot cancel a workflow run that is completed.');
      run.status = 'completed';
      run.conclusion = 'cancelled';
      for (const job of run.jobs) {
        if (job.status !== 'completed') Object.assign(job, { status: 'completed', conclusion: 'cancelled' });
      }
      return { status: 202, body: {} };
    }),

    // ---- pull requests ----
    inRepo('GET', '/pulls', (req) => {
      const head = req.query.get('head');
      const base = req.query.get('base');
      const state = req.query.get('state') ?? 'open';
      const list = [...gh.pulls.values()]
        .filter((p) => state === 'all' || p.state === state)
        .filter((p) => head === null || `${p.headRepo.split('/')[0] ?? ''}:${p.headRef}` === head)
        .filter((p) => base === null || p.baseRef === base)
        .sort((a, b) => b.number - a.number)
        .slice(0, Number(req.query.get('per_page') ?? 30));
      return { status: 200, body: list.map(pullShape) };
    }),
    inRepo('POST', '/pulls', (req) => {
      const headRef = (text(req.body.head) ?? '').replace(new RegExp(`^${gh.owner}:`), '');
      const baseRef = text(req.body.base) ?? '';
      const head = gh.git.refs.get(headRef);
      const base = gh.git.refs.get(baseRef);
      if (!head)
        return apiError(422, 'Validation Failed', [
          { resource: 'PullRequest', field: 'head', code: 'invalid' },
        ]);
      if (!base)
        return apiError(422, 'Validation Failed', [
          { resource: 'PullRequest', field: 'base', code: 'invalid' },
        ]);
      if (head === base) {
        return apiError(422, 'Validation Failed', [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `No commits between ${baseRef} and ${headRef}`,
          },
        ]);
      }
      const open = [...gh.pulls.values()].find(
        (p) => p.state === 'open' && p.headRef === headRef && p.baseRef === baseRef,
      );
      if (open) {
        return apiError(422, 'Validation Failed', [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${gh.owner}:${headRef}.`,
          },
        ]);
      }
      const number = Math.max(0, ...gh.pulls.keys()) + 1;
      const pull: FakePull = {
        number,
        state: 'open',
        title: text(req.body.title) ?? '',
        body: text(req.body.body) ?? null,
        draft: req.body.draft === true,
        headRef,
        headSha: head,
        headRepo: gh.fullName,
        baseRef,
      };
      gh.pulls.set(number, pull);
      return { status: 201, body: pullShape(pull) };
    }),
    inRepo('GET', '/pulls/{pull_number}', (req) => {
      const pull = gh.pulls.get(Number(req.params.pull_number));
      return pull ? { status: 200, body: pullShape(pull) } : apiError(404, 'Not Found');
    }),
    inRepo('PATCH', '/pulls/{pull_number}', (req) => {
      const pull = gh.pulls.get(Number(req.params.pull_number));
      if (!pull) return apiError(404, 'Not Found');
      if (typeof req.body.body === 'string') pull.body = req.body.body;
      if (typeof req.body.title === 'string') pull.title = req.body.title;
      if (req.body.state === 'open' || req.body.state === 'closed') pull.state = req.body.state;
      return { status: 200, body: pullShape(pull) };
    }),
  ];

  function checkRunShape(id: number, created: Json, current: Json): Json {
    const output = (current.output ?? {}) as Json;
    return {
      id,
      node_id: `CR_${id}`,
      head_sha: created.head_sha,
      external_id: current.external_id ?? null,
      name: current.name,
      status: current.status ?? 'queued',
      conclusion: current.conclusion ?? null,
      started_at: current.started_at ?? null,
      completed_at: current.completed_at ?? null,
      url: `${repoApi}/check-runs/${id}`,
      html_url: `${htmlUrl}/runs/${id}`,
      details_url: current.details_url ?? null,
      output: {
        title: output.title ?? null,
        summary: output.summary ?? null,
        text: output.text ?? null,
        annotations_count: 0,
        annotations_url: `${repoApi}/check-runs/${id}/annotations`,
      },
      check_suite: { id: 5 },
      app: null,
      pull_requests: [],
    };
  }
}
