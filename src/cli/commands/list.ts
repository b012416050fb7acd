import { UserError } from '../../errors.js';
import { loadSpec } from '../../spec/load-spec.js';
import { formatTable } from '../format-table.js';
import type { CliIo, CommonOptions } from '../io.js';
import { openRepo } from '../repo-context.js';

/** One line per spec: name, format, task counts, folder. A spec that does not parse says so. */
export async function listCommand(options: CommonOptions, io: CliIo): Promise<number> {
  const repo = await openRepo(options.repoDir, options.env, options.flags);
  if (repo.specs.length === 0) {
    io.stdout('No specs found.');
    return 0;
  }
  const rows: string[][] = [['NAME', 'FORMAT', 'TASKS', 'PATH']];
  for (const location of repo.specs) {
    let tasks: string;
    try {
      const spec = await loadSpec(repo.source, location);
      const all = spec.tasks.tasks.filter((t) => !spec.tasks.tasks.some((c) => c.parent === t.id));
      tasks = `${all.filter((t) => t.status === 'done').length}/${all.length} done`;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      tasks = location.tasksFile ? 'unreadable' : 'no tasks.md';
    }
    rows.push([location.name, location.format, tasks, location.dir]);
  }
  io.stdout(formatTable(rows));
  return 0;
}
