/**
 * Test helpers: real git repositories in temp dirs. Not exported by mod.ts.
 *
 * @module
 */

import { join } from "node:path";

/**
 * Runs any git command for a test's setup (runGit only takes the subcommands
 * orch uses); throws unless it exits 0.
 */
function _setupGit(cwd: string, args: string[]): string {
  const out = new Deno.Command("git", {
    args,
    cwd,
    env: { GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const dec = new TextDecoder();
  if (out.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

/** A temp dir holding a fresh repository at `<dir>/repo`. */
export interface TempRepo extends Disposable {
  /** The temp dir (removed on dispose). */
  dir: string;
  /** The repository top level, canonical (symlinks resolved). */
  repo: string;
  /** Runs git in the repository and returns trimmed stdout. */
  git(...args: string[]): string;
  /** Writes a file relative to the repository. */
  write(rel: string, text: string): void;
}

/**
 * Makes a repository on branch `main`, with one commit unless `empty`, in git's default object
 * format unless `objectFormat` names one (`sha256`).
 */
export function makeTempRepo(
  options: { empty?: boolean; objectFormat?: "sha1" | "sha256" } = {},
): TempRepo {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "orch_git_test_" }));
  const repo = join(dir, "repo");
  try {
    Deno.mkdirSync(repo);
    const git = (...args: string[]) => _setupGit(repo, args).trim();
    git(
      "-c",
      "init.defaultBranch=main",
      "init",
      "--quiet",
      ...(options.objectFormat ? [`--object-format=${options.objectFormat}`] : []),
    );
    git("config", "user.name", "Test");
    git("config", "user.email", "test@example.com");
    git("config", "commit.gpgsign", "false");
    const write = (rel: string, text: string) => {
      const path = join(repo, rel);
      Deno.mkdirSync(join(path, ".."), { recursive: true });
      Deno.writeTextFileSync(path, text);
    };
    if (!options.empty) {
      write("README.md", "hello\n");
      git("add", "README.md");
      git("commit", "--quiet", "-m", "initial");
    }
    return {
      dir,
      repo,
      git,
      write,
      [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
    };
  } catch (err) {
    Deno.removeSync(dir, { recursive: true });
    throw err;
  }
}

/** Whether anything exists at `path` (symlinks not followed). */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
