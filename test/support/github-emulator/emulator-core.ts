/** What route handlers share: the repository, the emulated state, and URL/identity helpers. */
import type { BareRepo } from './bare-repo.js';
import { isoSeconds } from './bare-repo.js';
import type { Json } from './openapi/spec-document.js';
import type { EmulatorState, WorkflowDispatch, EmulatorUser, WorkflowHooks } from './types.js';

export interface EmulatorCore {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** API base URL. */
  url: string;
  /** `${url}/repos/${owner}/${repo}` */
  repoUrl: string;
  /** `https://github.com/${owner}/${repo}` */
  htmlUrl: string;
  git: BareRepo;
  state: EmulatorState;
  users: Record<string, EmulatorUser>;
  /** Login writes are attributed to. */
  actor: string;
  nextId(): number;
  now(): string;
  onDispatch?: (dispatch: WorkflowDispatch) => void;
  /** Set by a GitHub Actions stand-in (setWorkflowHooks). */
  hooks?: WorkflowHooks;
  /** The GitHub App whose JWTs `POST /app/installations/{id}/access_tokens` accepts. */
  app?: { id: number; publicKeyPem: string; installationId: number; slug: string };
  /** Installation tokens issued (token → expiry in ms since the epoch). */
  issuedTokens: Map<string, number>;
}

export interface RequestContext {
  core: EmulatorCore;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body; `{}` when there is none. */
  body: Json;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Promise<Reply>;

export interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  template: string;
  handler: Handler;
}

export const nowIso = (): string => isoSeconds(new Date());

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '');
}

/** GitHub's `simple-user` for a login (users the emulator doesn't know are plain Users). */
export function simpleUser(core: EmulatorCore, login: string): Json {
  const known = core.users[login];
  const type = known?.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User');
  const id = [...login].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9_000_000, 7) + 1000;
  const url = `${core.url}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(type, id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url:
      type === 'Bot'
        ? `https://github.com/apps/${login.replace(/\[bot\]$/, '')}`
        : `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** Positive integer query parameter with a default and an upper bound. */
export function intParam(query: URLSearchParams, name: string, fallback: number, max = 100): number {
  const raw = Number(query.get(name) ?? fallback);
  return Number.isInteger(raw) && raw > 0 ? Math.min(raw, max) : fallback;
}

export function paginate<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = intParam(query, 'per_page', 30);
  const page = intParam(query, 'page', 1, Number.MAX_SAFE_INTEGER);
  return items.slice((page - 1) * perPage, page * perPage);
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
