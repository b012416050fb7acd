/**
 * Finds one dependency cycle, if there is any, by iterative depth-first search (deep graphs must not
 * overflow the stack). Returns the cycle's nodes in dependency order, starting from the node found
 * first in `ids` order.
 */
export function findCycle(
  ids: readonly string[],
  depsOf: (id: string) => readonly string[],
): string[] | null {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const color = new Map<string, number>();
  for (const id of ids) {
    if ((color.get(id) ?? WHITE) !== WHITE) continue;
    const path: string[] = [];
    const iters: { id: string; deps: readonly string[]; next: number }[] = [];
    const enter = (id: string): void => {
      color.set(id, GREY);
      path.push(id);
      iters.push({ id, deps: depsOf(id), next: 0 });
    };
    enter(id);
    while (iters.length > 0) {
      const top = iters[iters.length - 1];
      if (!top) break;
      if (top.next >= top.deps.length) {
        color.set(top.id, BLACK);
        iters.pop();
        path.pop();
        continue;
      }
      const dep = top.deps[top.next++] as string;
      const c = color.get(dep) ?? WHITE;
      if (c === GREY) return path.slice(path.indexOf(dep));
      if (c === WHITE) enter(dep);
    }
  }
  return null;
}
