/** Milliseconds since the epoch; ISO strings of different precision do not sort as text. */
export function isoMs(iso: string): number {
  return Date.parse(iso);
}

/** The later of two ISO timestamps (the first on a tie). */
export function laterIso(a: string, b: string): string {
  return isoMs(b) > isoMs(a) ? b : a;
}
