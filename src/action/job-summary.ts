import * as core from '@actions/core';
import type { GraphTask } from '../graph/task-graph.js';
import type { ActionOutcome } from './run-action.js';

export interface JobSummaryInput {
  spec: string;
  runId: string;
  task: GraphTask;
  outcome: ActionOutcome;
  attempts?: number;
  message?: string | undefined;
  /** The last lines of the transcript, shown when the task failed. */
  transcriptTail: string[];
}

/** The job summary: task, result, attempts, duration, turns, cost, error class; the transcript's end on failure. */
export async function writeJobSummary(env: NodeJS.ProcessEnv, input: JobSummaryInput): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return;
  const { outcome: o, task } = input;
  const icon = o.conclusion === 'success' ? '✅' : o.conclusion === 'skipped' ? '⏭️' : '❌';
  const s = core.summary
    .addHeading(`${icon} ${input.spec} ${task.id}: ${task.title}`, 3)
    .addTable([
      [
        { data: 'result', header: true },
        { data: 'attempts', header: true },
        { data: 'duration', header: true },
        { data: 'turns', header: true },
        { data: 'cost', header: true },
        { data: 'error class', header: true },
        { data: 'commit', header: true },
      ],
      [
        o.conclusion,
        String(input.attempts ?? 0),
        `${(o.durationMs / 1000).toFixed(1)} s`,
        String(o.turns),
        `$${o.costUsd.toFixed(4)}`,
        o.errorClass || '—',
        o.commit ? o.commit.slice(0, 12) : '—',
      ],
    ])
    .addRaw(`Run \`${input.runId}\` · ${o.apiCalls} GitHub API calls`, true);
  if (input.message) s.addQuote(input.message);
  if (input.transcriptTail.length > 0) {
    s.addDetails(
      'Last lines of the transcript',
      `\n\n\`\`\`\n${input.transcriptTail.join('\n').replace(/```/g, '` ` `')}\n\`\`\`\n`,
    );
  }
  await s.write();
}
