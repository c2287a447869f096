/**
 * `deno task compile [--host] [--target T]... [--out DIR]`: builds `inbox` and
 * `orch` into dist/<target>/ (or DIR/<target>/) with the permission flags of scripts/permissions.ts
 * (no blanket -A). `deno compile` downloads a small runtime (denort) per
 * target; where that download is impossible, this says so in one line and
 * exits 1. With DENORT_BIN set (a local denort), only the host target is built.
 */
import { join } from "node:path";
import { ENTRY_POINTS, PERMISSIONS, type Program } from "./permissions.ts";
import { binaryName, hostTarget, TARGETS } from "./targets.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** The `deno compile` argv for one program and target. */
export function compileArgs(program: Program, target: string, outDir: string): string[] {
  return [
    "compile",
    "--no-prompt",
    "--quiet",
    ...PERMISSIONS[program],
    "--target",
    target,
    "--output",
    join(outDir, binaryName(program, target)),
    join(ROOT, ENTRY_POINTS[program]),
  ];
}

/**
 * Whether `deno compile` failed only because it could not download its
 * runtime (denort): the one failure a machine without network may skip.
 */
export function isMissingRuntime(stderr: string): boolean {
  return /denort/.test(stderr) &&
    /error sending request|dns error|failed to lookup|Connection refused|\(Connect\)/i.test(stderr);
}

/** The targets `--host` / `--target T`... pick (every target by default; only the host with DENORT_BIN). */
export function pickTargets(args: readonly string[], denortBin?: string): string[] {
  const picked: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--host") {
      const h = hostTarget();
      if (!h) throw new Error(`this host (${Deno.build.target}) is not a supported target`);
      picked.push(h);
    } else if (args[i] === "--target" && args[i + 1]) {
      picked.push(args[++i]!);
    }
  }
  if (picked.length) return picked;
  if (denortBin) {
    const h = hostTarget();
    return h ? [h] : [];
  }
  return [...TARGETS];
}

/** The `--out DIR` value (the output root), or dist/ of this checkout. */
function _outRoot(args: string[]): string {
  const i = args.indexOf("--out");
  return i >= 0 && args[i + 1] ? args[i + 1]! : join(ROOT, "dist");
}

function _denortBin(): string | undefined {
  try {
    return Deno.env.get("DENORT_BIN");
  } catch {
    return undefined; // no env permission: build every target
  }
}

if (import.meta.main) {
  const targets = pickTargets(Deno.args, _denortBin());
  const outRoot = _outRoot(Deno.args);
  for (const target of targets) {
    const outDir = join(outRoot, target);
    await Deno.mkdir(outDir, { recursive: true });
    for (const program of Object.keys(PERMISSIONS) as Program[]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: compileArgs(program, target, outDir),
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(out.stderr);
      if (out.code !== 0) {
        console.error(
          isMissingRuntime(err)
            ? `compile: cannot download the Deno runtime (denort) for ${target}: this machine cannot reach Deno's download server; set DENORT_BIN to a local denort binary or run where the network allows`
            : `compile: deno compile failed for ${program} (${target}): ${
              err.split("\n").find((l) => l.includes("error")) ?? err.trim()
            }`,
        );
        Deno.exit(1);
      }
      console.log(`compiled ${join(outDir, binaryName(program, target))}`);
    }
  }
}
