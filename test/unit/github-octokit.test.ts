import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit, type OctokitLogger, type SentRequest } from '../../src/github/octokit.js';

const API = 'https://api.github.com';
const TOKEN = 'ghp_unit0secret0token0000000000000000';
const REPO_PATH = '/repos/octo/proj';
const SECONDARY = {
  message:
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
    'If you reach out to GitHub Support for help, please include the request ID 1234:5678.',
  documentation_url:
    'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  status: '403',
};

let ids = 0;
function client(extra: Parameters<typeof createOctokit>[0] = {}) {
  const logs: string[] = [];
  const sent: SentRequest[] = [];
  const logger: OctokitLogger = {
    debug: (m) => logs.push(`debug ${m}`),
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const octokit = createOctokit({
    token: TOKEN,
    logger,
    throttleId: `unit-${++ids}`,
    onRequest: (r) => sent.push(r),
    ...extra,
  });
  return { octokit, logs, sent };
}

const repo = { id: 1, name: 'proj', full_name: 'octo/proj' };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('createOctokit', () => {
  it('sends the token, user agent and base URL, and counts requests', async () => {
    const scope = nock('https://ghe.example.com/api/v3', {
      reqheaders: { authorization: `token ${TOKEN}`, 'user-agent': /^qw-test/ },
    })
      .get(REPO_PATH)
      .reply(200, repo);
    const { octokit, sent } = client({ baseUrl: 'https://ghe.example.com/api/v3/', userAgent: 'qw-test' });
    const { data } = await octokit.rest.repos.get({ owner: 'octo', repo: 'proj' });
    expect(data.full_name).toBe('octo/proj');
    expect(octokit.requestCount()).toBe(1);
    expect(sent).toEqual([{ method: 'GET', route: '/repos/{owner}/{repo}', attempt: 1 }]);
    scope.done();
  });

  it('retries a 502 with backoff and counts the retry', async () => {
    const scope = nock(API)
      .get(REPO_PATH)
      .reply(502, { message: 'Server Error' })
      .get(REPO_PATH)
      .reply(200, repo);
    const { octokit, sent } = client();
    await octokit.rest.repos.get({ owner: 'octo', repo: 'proj' });
    expect(octokit.requestCount()).toBe(2);
    expect(sent.map((r) => r.attempt)).toEqual([1, 2]);
    scope.done();
  });

  it('waits out a secondary rate limit (403, retry-after) and logs it without the token', async () => {
    const scope = nock(API)
      .put(`${REPO_PATH}/contents/state.json`)
      .reply(403, SECONDARY, { 'retry-after': '1' })
      .put(`${REPO_PATH}/contents/state.json`)
      .reply(201, { content: { sha: 'a'.repeat(40) }, commit: { sha: 'b'.repeat(40) } });
    const { octokit, logs } = client();
    const started = Date.now();
    await octokit.rest.repos.createOrUpdateFileContents({
      owner: 'octo',
      repo: 'proj',
      path: 'state.json',
      message: 'state: x',
      content: 'e30K',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(octokit.requestCount()).toBe(2);
    expect(logs).toContainEqual(
      'warn GitHub secondary rate limit for PUT /repos/{owner}/{repo}/contents/{path}; retry 1/3 in 1s',
    );
    expect(logs.join('\n')).not.toContain(TOKEN);
    scope.done();
  });

  it('waits out a primary rate limit (x-ratelimit-remaining: 0) until the reset', async () => {
    const reset = String(Math.ceil(Date.now() / 1000));
    const scope = nock(API)
      .get(REPO_PATH)
      .reply(
        403,
        {
          message: 'API rate limit exceeded for installation ID 1.',
          documentation_url: 'https://docs.github.com',
        },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      )
      .get(REPO_PATH)
      .reply(200, repo);
    const { octokit, logs } = client();
    await octokit.rest.repos.get({ owner: 'octo', repo: 'proj' });
    expect(octokit.requestCount()).toBe(2);
    expect(logs.some((l) => /^warn GitHub rate limit exceeded for GET .*; retry 1\/3/.test(l))).toBe(true);
    scope.done();
  });

  it('gives up after the allowed rate-limit retries', async () => {
    const scope = nock(API).get(REPO_PATH).times(2).reply(403, SECONDARY, { 'retry-after': '1' });
    const { octokit, logs } = client({ rateLimitRetries: 1 });
    await expect(octokit.rest.repos.get({ owner: 'octo', repo: 'proj' })).rejects.toMatchObject({
      status: 403,
    });
    expect(octokit.requestCount()).toBe(2);
    expect(logs.some((l) => /giving up after 1 retries/.test(l))).toBe(true);
    scope.done();
  });

  it('does not wait for a rate limit asking for longer than allowed', async () => {
    const scope = nock(API).get(REPO_PATH).reply(429, SECONDARY, { 'retry-after': '120' });
    const { octokit } = client({ maxRateLimitWaitSeconds: 60 });
    await expect(octokit.rest.repos.get({ owner: 'octo', repo: 'proj' })).rejects.toMatchObject({
      status: 429,
    });
    expect(octokit.requestCount()).toBe(1);
    scope.done();
  });

  it.each([404, 409, 422])('does not retry a %i', async (status) => {
    const scope = nock(API).get(REPO_PATH).reply(status, { message: 'no' });
    const { octokit } = client();
    await expect(octokit.rest.repos.get({ owner: 'octo', repo: 'proj' })).rejects.toMatchObject({ status });
    expect(octokit.requestCount()).toBe(1);
    scope.done();
  });

  it('passes only messages to the logger, never the request options (which hold the token)', async () => {
    nock(API).get(REPO_PATH).reply(200, repo);
    const seen: unknown[][] = [];
    const record = (...args: unknown[]) => void seen.push(args);
    const octokit = createOctokit({
      token: TOKEN,
      throttleId: `unit-${++ids}`,
      logger: { debug: record, info: record, warn: record, error: record },
    });
    await octokit.rest.repos.get({ owner: 'octo', repo: 'proj' });
    expect(seen.length).toBeGreaterThan(0);
    for (const args of seen) expect(args).toHaveLength(1);
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
  });
});
