import type { GitHubRestClient } from '../../src/github/octokit.js';
import { errorMessage } from '../../src/errors.js';
import type { AppLog } from '../runs/repo-context.js';

export interface IssueTarget {
  octokit: GitHubRestClient;
  owner: string;
  repo: string;
  issueNumber: number;
  log: AppLog;
}

/** The 👀 and 🚀 reactions on the comment that asked. A reaction that fails is logged, not thrown. */
export async function react(
  target: IssueTarget,
  commentId: number,
  content: 'eyes' | 'rocket' | 'confused',
): Promise<void> {
  try {
    await target.octokit.rest.reactions.createForIssueComment({
      owner: target.owner,
      repo: target.repo,
      comment_id: commentId,
      content,
    });
  } catch (err) {
    target.log.warn(`reaction ${content} on comment ${commentId}: ${errorMessage(err)}`);
  }
}

/** A reply on the issue or pull request. */
export async function reply(target: IssueTarget, body: string): Promise<void> {
  await target.octokit.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  });
}

/**
 * Text from elsewhere (a parser's message, an API error) quoted in a reply: inside a fenced block,
 * so it cannot format, link or @-mention anyone, with backtick runs broken so it cannot close the fence.
 */
export function quoteBlock(text: string, maxLength = 3000): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}\n…` : text;
  return ['```text', cut.replace(/`{3,}/g, (m) => m.split('').join('\u200b')), '```'].join('\n');
}
