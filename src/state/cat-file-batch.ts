import { runGitRaw, type RunGitOptions } from '../git/run-git.js';

export interface GitObject {
  oid: string;
  type: string;
  content: Buffer;
}

/** The objects named by `<rev>`, `<rev>:<path>`, `<rev>^{tree}`…, in order (null where missing), in one git call. */
export async function catFileBatch(
  names: readonly string[],
  options: Pick<RunGitOptions, 'cwd' | 'env'>,
): Promise<(GitObject | null)[]> {
  const input = names.map((n) => `${n}\n`).join('');
  const out = (await runGitRaw(['cat-file', '--batch'], { ...options, input })).stdout;
  const objects: (GitObject | null)[] = [];
  let pos = 0;
  for (let i = 0; i < names.length; i++) {
    const eol = out.indexOf(0x0a, pos);
    const [oid = '', type = '', size] = out.subarray(pos, eol).toString('utf8').split(' ');
    pos = eol + 1;
    if (size === undefined) {
      objects.push(null); // "<name> missing" (or ambiguous)
      continue;
    }
    objects.push({ oid, type, content: out.subarray(pos, pos + Number(size)) });
    pos += Number(size) + 1;
  }
  return objects;
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** Decodes a raw tree object: entries of "<mode> <name>\0<binary object id>". */
export function parseTree(content: Buffer, oidBytes: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < content.length) {
    const space = content.indexOf(0x20, pos);
    const nul = content.indexOf(0x00, space);
    entries.push({
      mode: content.subarray(pos, space).toString('utf8').padStart(6, '0'),
      name: content.subarray(space + 1, nul).toString('utf8'),
      oid: content.subarray(nul + 1, nul + 1 + oidBytes).toString('hex'),
    });
    pos = nul + 1 + oidBytes;
  }
  return entries;
}

/** A tree entry as `git mktree -z` reads it. */
export function mktreeLine(entry: TreeEntry): string {
  const type = entry.mode === '040000' ? 'tree' : entry.mode === '160000' ? 'commit' : 'blob';
  return `${entry.mode} ${type} ${entry.oid}\t${entry.name}`;
}
