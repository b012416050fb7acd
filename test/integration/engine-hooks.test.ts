import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  attemptsOf,
  endpoint,
  engineEnv,
  fileOnBranch,
  git,
  gitRepo,
  readState,
  run,
} from '../support/engine-fixture.js';

const SPEC = '.kiro/specs/s/tasks.md';

describe('quantumwala run: hooks, permission denials, dry run', () => {
  it('a failing pre_task hook blocks its task with the reason; post_task and post_command get the context', async () => {
    const settings = {
      permissions: { allow: [] },
      hooks: {
        pre_task: { enabled: true, script: '.claude/hooks/pre-task.sh', timeout: 10 },
        post_task: { enabled: true, script: '.claude/hooks/post-task.sh', timeout: 10 },
        post_command: { enabled: true, script: '.claude/hooks/done.sh', timeout: 10 },
      },
    };
    const repo = await gitRepo({
      [SPEC]:
        '- [ ] 1. One in `one.txt`\n  - _Depends: none_\n- [ ] 2. Two in `two.txt`\n  - _Depends: none_\n',
      '.claude/settings.local.json': JSON.stringify(settings),
      // Not executable: run through sh. Task 2 is refused.
      '.claude/hooks/pre-task.sh':
        'if [ "$QUANTUMWALA_TASK_ID" = "2" ]; then echo "task 2 is frozen until Friday"; exit 4; fi\n',
      '.claude/hooks/post-task.sh':
        'echo "$QUANTUMWALA_TASK_ID $QUANTUMWALA_TASK_STATUS $QUANTUMWALA_SPEC" >> "$HOME/hooks.log"\n',
      '.claude/hooks/done.sh': 'echo "run $QUANTUMWALA_RUN_STATUS" >> "$HOME/hooks.log"\n',
    });
    const server = await endpoint();
    const env = engineEnv(server);
    const r = await run(repo, ['s'], env);
    expect(r.code).toBe(1);
    const state = await readState(repo);
    expect(attemptsOf(state, '2')).toEqual([['failed', 'hook_failed']]);
    const runRecord = Object.values(state.runs)[0];
    expect(runRecord?.tasks['2']?.attempts[0]?.message).toBe(
      'pre_task hook .claude/hooks/pre-task.sh: exited with status 4: task 2 is frozen until Friday',
    );
    expect(attemptsOf(state, '1')).toEqual([['succeeded', null]]);
    expect(server.stats.sessionsStarted).toBe(1);
    const log = await readFile(path.join(env.HOME ?? '', 'hooks.log'), 'utf8');
    expect(log.split('\n').filter(Boolean)).toEqual(['1 succeeded s', 'run failed']);
  });

  it("a write outside the task's worktree is denied, recorded with the task and shown", async () => {
    const repo = await gitRepo({
      [SPEC]: '- [ ] 1. Escape\n  - Write file: ../outside.txt\n',
    });
    const server = await endpoint();
    const r = await run(repo, ['s'], engineEnv(server));
    expect(r.code).toBe(0);
    const state = await readState(repo);
    const attempt = Object.values(state.runs)[0]?.tasks['1']?.attempts[0];
    expect(attempt?.permission_denials).toEqual([expect.stringMatching(/^Write \/.*\/outside\.txt$/)]);
    const target = (attempt?.permission_denials[0] ?? '').replace(/^Write /, '');
    await expect(access(target)).rejects.toThrow(/ENOENT/);
    expect(r.stdout).toMatch(/1 succeeded in .*\(permission denied: Write \/.*outside\.txt\)/);
  });

  it('--dry-run shows what would run and changes nothing', async () => {
    const repo = await gitRepo({
      [SPEC]: '- [x] 1. Done\n- [ ] 2. Next in `a.txt`\n- [ ] 3. Last in `b.txt`\n',
    });
    const server = await endpoint();
    const r = await run(repo, ['s', '--dry-run', '--only', '2'], engineEnv(server));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run: would run 1 task(s) of s on quantumwala/s');
    expect(r.stdout).toContain('  wave 1: 2');
    expect((await git(repo, ['branch', '--list', 'quantumwala/*'])).trim()).toBe('');
    expect(server.stats.sessionsStarted).toBe(0);
    const refused = await run(repo, ['s', '--only', '3'], engineEnv(server));
    expect(refused).toMatchObject({
      code: 1,
      stderr: 'quantumwala: only: task 3 depends on 2, which is neither done nor selected\n',
    });
    expect(await fileOnBranch(repo, 'quantumwala/s', 'b.txt')).toBeNull();
  });
});
