/** The targets `deno task compile` builds for (deno compile --target names). */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

export type Target = typeof TARGETS[number];

/** The target of the machine running this script, if it is one we build. */
export function hostTarget(): Target | undefined {
  const t = Deno.build.target;
  return (TARGETS as readonly string[]).includes(t) ? t as Target : undefined;
}

/** The executable name of `program` on `target`. */
export function binaryName(program: string, target: string): string {
  return target.includes("windows") ? `${program}.exe` : program;
}
