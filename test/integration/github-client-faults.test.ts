import { describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/octokit.js';
import { startGitHubEmulator } from '../support/github-emulator.js';

describe("the product's GitHub client against the emulator's faults", () => {
  it('a 5xx and a secondary rate limit are retried and succeed; the retries are counted', async () => {
    const gh = await startGitHubEmulator({ owner: 'acme', repo: 'widgets', files: { 'a.txt': 'a\n' } });
    try {
      const warnings: string[] = [];
      const octokit = createOctokit({
        baseUrl: gh.url,
        throttleId: 'client-faults',
        logger: {
          debug: () => undefined,
          info: () => undefined,
          warn: (m) => warnings.push(m),
          error: () => undefined,
        },
      });
      gh.faults.add({ route: 'GET /repos/{owner}/{repo}/git/ref/{ref}', kind: '5xx' });
      const ref = await octokit.rest.git.getRef({ owner: 'acme', repo: 'widgets', ref: 'heads/main' });
      expect(ref.data.object.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(octokit.requestCount()).toBe(2);

      gh.faults.add({ route: 'GET /repos/{owner}/{repo}', kind: 'secondary-rate-limit', retryAfter: 1 });
      const repo = await octokit.rest.repos.get({ owner: 'acme', repo: 'widgets' });
      expect(repo.data.full_name).toBe('acme/widgets');
      expect(octokit.requestCount()).toBe(4);
      expect(warnings.join('\n')).toMatch(/secondary rate limit/i);
      expect(gh.requests.map((r) => r.status)).toEqual([502, 200, 403, 200]);
      gh.assertNoViolations();
      gh.assertNoRejections();
    } finally {
      await gh.close();
    }
  });

  it('a request GitHub would reject fails: the emulator answers 422 and records it', async () => {
    const gh = await startGitHubEmulator({ owner: 'acme', repo: 'widgets', files: { 'a.txt': 'a\n' } });
    try {
      const octokit = createOctokit({ baseUrl: gh.url, throttleId: 'client-reject' });
      const bad = octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        owner: 'acme',
        repo: 'widgets',
        head_sha: 'a'.repeat(40),
      } as never);
      await expect(bad).rejects.toMatchObject({ status: 422 });
      expect(() => gh.assertNoRejections()).toThrow();
    } finally {
      await gh.close();
    }
  });
});
