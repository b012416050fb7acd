import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Every file below `dir` as repo-relative `/`-separated path → text (a folder to seed a repository with). */
export async function filesOf(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(out, await filesOf(path.join(dir, entry.name), rel));
    else out[rel] = await readFile(path.join(dir, entry.name), 'utf8');
  }
  return out;
}
