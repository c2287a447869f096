/** Where the store reads the time; tests and benches may pass their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO-8601 UTC with milliseconds: sorts as text, so SQL can compare it. */
export function iso(d: Date): string {
  return d.toISOString();
}

/** `d` plus `seconds`, as ISO text. */
export function isoPlusSeconds(d: Date, seconds: number): string {
  return new Date(d.getTime() + seconds * 1000).toISOString();
}
