/**
 * A job's process tree, read from /proc (Linux): what a runner machine loses when it dies. The
 * action starts `claude` in a process group of its own, so a group kill of the job is not enough.
 */
import { readdir, readFile } from 'node:fs/promises';

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
}

async function readProcess(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
    const [state = '', ppid = '', pgid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(ppid), pgid: Number(pgid), state };
  } catch {
    return undefined; // gone meanwhile
  }
}

async function allProcesses(): Promise<ProcessInfo[]> {
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  const infos = await Promise.all(pids.map(readProcess));
  return infos.filter((p): p is ProcessInfo => p !== undefined && p.state !== 'Z');
}

/** `root` and every live process below it. */
export async function processTree(root: number): Promise<ProcessInfo[]> {
  const all = await allProcesses();
  const tree = all.filter((p) => p.pid === root);
  for (let i = 0; i < tree.length; i += 1) {
    const parent = tree[i] as ProcessInfo;
    tree.push(...all.filter((p) => p.ppid === parent.pid));
  }
  return tree;
}

/** The command lines of `root`'s descendants. */
export async function descendantCommands(root: number): Promise<string[][]> {
  const tree = (await processTree(root)).filter((p) => p.pid !== root);
  const lines = await Promise.all(
    tree.map((p) => readFile(`/proc/${p.pid}/cmdline`, 'utf8').catch(() => '')),
  );
  return lines.filter((l) => l !== '').map((l) => l.split('\0').filter(Boolean));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Kills `root` and everything below it at once, the way a lost runner ends them: SIGSTOP each
 * process found (a stopped process can't start new ones) until a scan finds nothing new, then
 * SIGKILL every one of them and every process group one of them leads.
 */
export async function killProcessTree(root: number): Promise<number> {
  const stopped = new Map<number, ProcessInfo>();
  for (let round = 0; round < 20; round += 1) {
    const found = (await processTree(root)).filter((p) => !stopped.has(p.pid));
    if (found.length === 0 && stopped.size > 0) break;
    for (const p of found) {
      signal(p.pid, 'SIGSTOP');
      stopped.set(p.pid, p);
    }
    if (stopped.size === 0) break; // root is gone
  }
  for (const p of stopped.values()) {
    if (stopped.has(p.pgid)) signal(-p.pgid, 'SIGKILL');
    signal(p.pid, 'SIGKILL');
  }
  return stopped.size;
}
