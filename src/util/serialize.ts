/** Runs calls of `fn` one at a time, in call order; a failed call does not stop the ones after it. */
export function serialize<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (...args) => {
    const run = tail.then(
      () => fn(...args),
      () => fn(...args),
    );
    tail = run.catch(() => undefined);
    return run;
  };
}
