import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { gitLine } from '../git/index.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One runner per spec and repository at a time: a lock file in the git directory holding the
 * runner's pid. A lock whose process is gone (a crash, `kill -9`) is taken over.
 */
export async function acquireRunLock(repoDir: string, spec: string): Promise<{ release(): Promise<void> }> {
  const gitDir = await gitLine(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repoDir });
  const dir = path.join(gitDir, 'quantumwala', 'locks');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${spec.replace(/[^\w.-]/g, '_')}.lock`);
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid) && pid !== process.pid) {
        throw new UserError(`another run of spec "${spec}" is in progress in this repository (pid ${pid})`);
      }
      await rm(file, { force: true });
    }
  }
  throw new UserError(`could not take the run lock ${file}`);
}
