/**
 * Rounds for the kill-loop tests: the suite's own small number, or the
 * `SOAK_ROUNDS` environment variable under `deno task soak` (a longer run
 * that CI does not make).
 */
export function soakRounds(suiteRounds: number): number {
  const v = Number(Deno.env.get("SOAK_ROUNDS"));
  return Number.isInteger(v) && v > 0 ? v : suiteRounds;
}
