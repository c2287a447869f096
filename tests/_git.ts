/**
 * Git from the test process (no system config, no prompts) and a fresh
 * repository on `main` with one commit.
 */
import { join } from "node:path";

/** Runs git in `cwd` from the test process; throws unless it exits 0. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await gitResult(cwd, ...args);
  if (out.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${out.stderr}`);
  return out.stdout;
}

/** Runs git in `cwd` and returns its exit code and output. */
export async function gitResult(
  cwd: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("git", {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Makes `dir` a git repository on `main` with local identity and one commit. */
export async function initRepo(dir: string, files: Record<string, string> = {}): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "config", "user.name", "Orch Test");
  await git(dir, "config", "user.email", "orch-test@example.com");
  await git(dir, "config", "commit.gpgsign", "false");
  for (const [name, text] of Object.entries({ "README.md": "# test repo\n", ...files })) {
    const path = join(dir, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, text);
  }
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", "initial");
}
