import type { Context } from 'probot';
import { ConfigError, type QuantumwalaConfig } from '../../src/config/index.js';
import { UserError } from '../../src/errors.js';
import type { Command, RunCommand } from '../commands/command.js';
import { formatUsageReply } from '../commands/format-usage-reply.js';
import { parseCommands } from '../commands/parse-commands.js';
import { USAGE } from '../commands/usage.js';
import { authorize, isBot, type Authorization } from '../github/authorize.js';
import { quoteBlock, react, reply, type IssueTarget } from '../github/reply.js';
import { cancelRun, retryRun, statusReport } from '../runs/run-operations.js';
import { startRun } from '../runs/start-run.js';
import type { RepoContext } from '../runs/repo-context.js';
import { repoConfig, repoContext, type AppDeps } from './app-deps.js';

type CommentContext = Context<'issue_comment.created'>;

/**
 * `/quantumwala …` commands in issue and pull request comments. Bots are ignored; a comment without a
 * command costs no API call. Anyone may ask for help or status; run, cancel and retry need write,
 * maintain or admin permission. A pull request from a fork never starts a run.
 */
export async function onIssueComment(context: CommentContext, deps: AppDeps): Promise<void> {
  const { comment, issue, sender } = context.payload;
  if (isBot(comment.user) || isBot(sender)) return;
  const parsed = parseCommands(comment.body ?? '');
  if (parsed.length === 0) return;

  const ctx = repoContext(context, deps);
  const target: IssueTarget = {
    octokit: ctx.octokit,
    owner: ctx.owner,
    repo: ctx.repo,
    issueNumber: issue.number,
    log: ctx.log,
  };
  let config;
  try {
    config = await repoConfig(context, deps);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    await react(target, comment.id, 'confused');
    await reply(target, `Quantumwala cannot use this repository's config:\n\n${quoteBlock(err.message)}`);
    return;
  }
  if (!config.github.triggers.comment) return;
  await react(target, comment.id, 'eyes');

  const login = comment.user?.login ?? sender.login;
  let auth: Authorization | undefined;
  const allowed = async () => (auth ??= await authorize(ctx.octokit, ctx.owner, ctx.repo, login)).allowed;
  let launched = false;
  for (const p of parsed) {
    if (!p.ok) {
      await reply(target, formatUsageReply(p));
      continue;
    }
    const command: Command = p.command;
    if (command.name === 'help') {
      await reply(target, USAGE);
      continue;
    }
    if (command.name === 'status') {
      const r = await statusReport(ctx, config.workflow.state_branch, command.spec);
      await reply(target, r.message);
      continue;
    }
    if (!(await allowed())) {
      await reply(
        target,
        `Sorry @${login}, only people with write, maintain or admin permission on this repository can ` +
          `${command.name} Quantumwala runs (yours: ${auth?.role ?? 'none'}). Nothing was run.`,
      );
      continue;
    }
    try {
      if (command.name === 'run')
        launched = (await runCommand(context, ctx, target, command, config, login, p.line)) || launched;
      else {
        const r =
          command.name === 'cancel'
            ? await cancelRun(ctx, config.workflow.state_branch, login, { spec: command.spec })
            : await retryRun(ctx, config.workflow.state_branch, login, {
                spec: command.spec,
                ids: command.ids,
              });
        launched = r.dispatched.length > 0 || launched;
        await reply(target, r.message);
      }
    } catch (err) {
      if (!(err instanceof UserError) && !(err instanceof ConfigError)) throw err;
      await reply(
        target,
        `Quantumwala could not ${command.name} \`${command.spec}\`:\n\n${quoteBlock(err.message)}`,
      );
    }
  }
  if (launched) await react(target, comment.id, 'rocket');
}

async function runCommand(
  context: CommentContext,
  ctx: RepoContext,
  target: IssueTarget,
  command: RunCommand,
  config: QuantumwalaConfig,
  login: string,
  line: number,
): Promise<boolean> {
  const { comment, issue, repository } = context.payload;
  let commit: string;
  if (issue.pull_request) {
    const { data: pr } = await ctx.octokit.rest.pulls.get({
      owner: ctx.owner,
      repo: ctx.repo,
      pull_number: issue.number,
    });
    if (!pr.head.repo || pr.head.repo.full_name !== repository.full_name) {
      await reply(target, `Quantumwala does not run specs from pull requests from forks. Nothing was run.`);
      return false;
    }
    commit = pr.head.sha;
  } else {
    const { data: ref } = await ctx.octokit.rest.git.getRef({
      owner: ctx.owner,
      repo: ctx.repo,
      ref: `heads/${repository.default_branch}`,
    });
    commit = ref.object.sha;
  }
  const result = await startRun(ctx, {
    spec: command.spec,
    ...(command.maxConcurrent !== undefined ? { maxConcurrent: command.maxConcurrent } : {}),
    ...(command.only ? { only: command.only } : {}),
    includeOptional: command.includeOptional,
    commit,
    defaultBranch: repository.default_branch,
    requestedBy: login,
    issueNumber: issue.number,
    runId: `c${comment.id}-${line}`,
    config,
  });
  switch (result.kind) {
    case 'exists':
      return false; // a redelivered webhook: the run was started by the first delivery
    case 'busy':
      await reply(
        target,
        `A run of \`${result.other.spec}\` is in progress (\`${result.other.id}\`): \`/quantumwala cancel ${result.other.spec}\` first, or wait for it.`,
      );
      return false;
    case 'nothing':
      await reply(target, result.message);
      return false;
    case 'started': {
      const run = result.run;
      const check = run.github?.check_run_id ? `${ctx.htmlUrl}/runs/${run.github.check_run_id}` : undefined;
      const lines = [
        `Started run \`${run.id}\` of \`${run.spec}\`: ${Object.keys(run.tasks).length} task(s), at most ${run.max_concurrent} at once, on \`${run.work_branch}\`.`,
        result.dispatched.length > 0
          ? `Dispatched: ${result.dispatched.map((id) => `\`${id}\``).join(', ')}.`
          : '',
        check ? `Progress: ${check}` : '',
        result.warnings.length > 0
          ? `Warnings:\n\n${quoteBlock(result.warnings.slice(0, 20).join('\n'))}`
          : '',
      ];
      await reply(target, lines.filter(Boolean).join('\n\n'));
      return result.dispatched.length > 0;
    }
  }
}
