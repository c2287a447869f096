/**
 * Runs every command the skill docs show, so a documented command that
 * breaks fails a test named for its file.
 *
 * Covered files: every `skills/<skill>/SKILL.md`, plus the extra docs in
 * {@linkcode EXTRA_DOCS}. Conventions inside them:
 *
 * - A fenced block tagged `sh` is executed, line by line, in document order.
 *   Blank lines and `#` comments are skipped; a line ending in `\` continues
 *   on the next. Every line must exit 0 unless the info string says
 *   otherwise: ```` ```sh exit=4 error=CANCELLED ```` marks an error example
 *   (the exit status, and the `error.code` of its JSON envelope).
 * - A command line (one starting with `./assets/`, `../inbox/assets/`,
 *   `../orch/assets/` or `../council-review/assets/`) in any other fenced
 *   block fails the test: every documented command is executed. Show
 *   outputs in `json` or `text` blocks instead.
 * - A line with `--json` must print JSON: one object per line (`watch`
 *   prints NDJSON), the last with `"ok": true`, or `"ok": false` for an error
 *   example. When stdout is redirected (`> FILE`), FILE is checked instead.
 * - Hidden steps, one per line, outside fenced blocks, in HTML comments that
 *   readers never see:
 *   - `<!-- test: CMD -->` runs CMD at that point of the document;
 *   - `<!-- test after "TEXT": CMD -->` runs CMD right after the first line
 *     of a later `sh` block that contains TEXT (so a block can stay whole
 *     while a scripted worker acts between two of its lines);
 *   - `<!-- test-set: NAME=VALUE -->` substitutes VALUE for the placeholder
 *     word NAME (for example `RUN_ID`) in the lines that follow.
 *   Hidden steps must exit 0 (their output is not checked). Keep them few: a scripted worker or leader
 *   acting between documented commands, or a file the reader already has.
 * - `/tmp/` and the placeholder `TMPDIR` stand for a scratch directory.
 *
 * `SKILLS_DOCS_VERBOSE=1` prints every command with its output.
 *
 * Each file runs in its own temp dir holding a git repository (branch `main`,
 * one commit) with a scratch copy of the skills tree: every launcher in
 * `skills/<skill>/assets/` is a two-line script that execs the real launcher
 * in this checkout, so the launchers themselves are under test. Commands run
 * through `bash -c` with the skill's directory in that copy as the working
 * directory, so `./coord.db` is a fresh database in the temp dir and code
 * dispatches make their worktrees under the temp repository. A command still
 * running after {@linkcode STEP_TIMEOUT_MS} is killed and fails its test.
 */
import assert from "node:assert/strict";
import { join, relative, resolve } from "node:path";
import { ERROR_CODES } from "../src/protocol/errors.ts";
import { git } from "./_git.ts";
import { ORCH_EVENT_TYPES } from "../src/protocol/enums.ts";
import { withEventList } from "../scripts/skills_build.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Docs outside `SKILL.md` whose commands are executed too (paths from the repo root). */
const EXTRA_DOCS = ["skills/orch/references/leader-dispatch-and-launch-checklist.md"] as const;

/** How a command line starts; such a line outside an `sh` block is an error. */
const COMMAND_PREFIXES = [
  "./assets/",
  "../inbox/assets/",
  "../orch/assets/",
  "../council-review/assets/",
] as const;

/** Print every command and its output (`SKILLS_DOCS_VERBOSE=1`), to debug a doc. */
const VERBOSE = Deno.env.get("SKILLS_DOCS_VERBOSE") === "1";

/** Longest a single documented command may take before the test gives up on it. */
const STEP_TIMEOUT_MS = 120_000;

/** One command to execute, documented or hidden. */
interface DocStep {
  /** The command as written (placeholders and `/tmp/` not yet replaced). */
  command: string;
  /** 1-based line in the markdown file. */
  line: number;
  hidden: boolean;
  /** Expected exit status. */
  exit: number;
  /** Expected `error.code` of the JSON envelope, for error examples. */
  error?: string;
  /** Placeholder values in force for this step. */
  vars: Record<string, string>;
}

/** What {@linkcode extractSteps} finds in one markdown file. */
interface DocPlan {
  steps: DocStep[];
  /** Problems that fail the test: unexecuted command lines, bad directives. */
  problems: string[];
}

interface _Fence {
  marker: string;
  indent: number;
  lang: string;
  exit: number;
  error?: string;
  start: number;
}

interface _Pending {
  anchor: string;
  command: string;
  line: number;
}

function _isCommandLine(text: string): boolean {
  const t = text.trimStart();
  return COMMAND_PREFIXES.some((p) => t.startsWith(p));
}

function _parseFence(line: string, lineNo: number): _Fence | { problem: string } | undefined {
  const m = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
  if (!m) return undefined;
  const [lang = "", ...attrs] = m[3]!.trim().split(/\s+/).filter(Boolean);
  const fence: _Fence = { marker: m[2]!, indent: m[1]!.length, lang, exit: 0, start: lineNo };
  if (lang !== "sh") return fence;
  for (const attr of attrs) {
    const a = /^(exit|error)=(\S+)$/.exec(attr);
    if (!a) {
      return {
        problem:
          `line ${lineNo}: unknown fence attribute "${attr}" (sh blocks take exit=N error=CODE)`,
      };
    }
    if (a[1] === "exit") fence.exit = Number(a[2]);
    else fence.error = a[2]!;
  }
  return fence;
}

/**
 * Reads the steps of one markdown file: the lines of its `sh` blocks and its
 * hidden steps, in execution order. Pure: no file or process access.
 */
function extractSteps(markdown: string): DocPlan {
  const lines = markdown.split("\n");
  const steps: DocStep[] = [];
  const problems: string[] = [];
  let vars: Record<string, string> = {};
  let pending: _Pending[] = [];
  let fence: _Fence | undefined;
  let inFrontmatter = lines[0] === "---";
  let continued: { text: string; line: number } | undefined;

  for (let i = inFrontmatter ? 1 : 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    if (inFrontmatter) {
      if (raw === "---") inFrontmatter = false;
      continue;
    }
    if (fence) {
      const close = new RegExp(`^\\s*${fence.marker[0]}{${fence.marker.length},}\\s*$`);
      if (close.test(raw)) {
        if (continued) problems.push(`line ${continued.line}: the block ends inside a "\\" line`);
        continued = undefined;
        fence = undefined;
        continue;
      }
      const text = raw.slice(Math.min(fence.indent, raw.length - raw.trimStart().length));
      if (fence.lang !== "sh") {
        if (_isCommandLine(text)) {
          problems.push(
            `line ${lineNo}: command line in a "${
              fence.lang || "untagged"
            }" block is never executed (use an sh block): ${text.trim()}`,
          );
        }
        continue;
      }
      const joined = continued ? `${continued.text} ${text.trim()}` : text.trim();
      const startLine = continued?.line ?? lineNo;
      if (joined.endsWith("\\")) {
        continued = { text: joined.slice(0, -1).trimEnd(), line: startLine };
        continue;
      }
      continued = undefined;
      if (joined === "" || joined.startsWith("#")) continue;
      steps.push({
        command: joined,
        line: startLine,
        hidden: false,
        exit: fence.exit,
        ...(fence.error !== undefined ? { error: fence.error } : {}),
        vars,
      });
      const due = pending.filter((p) => joined.includes(p.anchor));
      if (due.length) {
        pending = pending.filter((p) => !due.includes(p));
        for (const p of due) {
          steps.push({ command: p.command, line: p.line, hidden: true, exit: 0, vars });
        }
      }
      continue;
    }
    const opened = _parseFence(raw, lineNo);
    if (opened && "problem" in opened) {
      problems.push(opened.problem);
      fence = { marker: "```", indent: 0, lang: "invalid", exit: 0, start: lineNo };
      continue;
    }
    if (opened) {
      fence = opened;
      continue;
    }
    const trimmed = raw.trim();
    if (!/^<!--\s*test(-[a-z]+)?[\s:]/.test(trimmed)) continue;
    const run = /^<!-- test: (.+) -->$/.exec(trimmed);
    const after = /^<!-- test after "([^"]+)": (.+) -->$/.exec(trimmed);
    const set = /^<!-- test-set: ([A-Z][A-Z0-9_]*)=(.*) -->$/.exec(trimmed);
    if (run) {
      steps.push({ command: run[1]!, line: lineNo, hidden: true, exit: 0, vars });
    } else if (after) {
      pending.push({ anchor: after[1]!, command: after[2]!, line: lineNo });
    } else if (set) {
      vars = { ...vars, [set[1]!]: set[2]! };
    } else {
      problems.push(`line ${lineNo}: unknown test directive: ${trimmed}`);
    }
  }
  if (fence) problems.push(`line ${fence.start}: the fenced block is never closed`);
  for (const p of pending) {
    problems.push(`line ${p.line}: no documented line contains the anchor "${p.anchor}"`);
  }
  return { steps, problems };
}

/** The command with `/tmp/`, `TMPDIR` and the `test-set` placeholders replaced. */
function substitute(step: DocStep, tmp: string): string {
  const values: Record<string, string> = { TMPDIR: tmp };
  for (const [name, value] of Object.entries(step.vars)) {
    values[name] = value.replaceAll("/tmp/", `${tmp}/`);
  }
  // One pass, so a replacement is never rewritten again.
  const pattern = new RegExp(`/tmp/|\\b(?:${Object.keys(values).join("|")})\\b`, "g");
  return step.command.replace(pattern, (m) => m === "/tmp/" ? `${tmp}/` : values[m]!);
}

function _describe(file: string, step: DocStep, command: string): string {
  return `${file}:${step.line}${step.hidden ? " (hidden step)" : ""}: ${command}`;
}

/** Checks the JSON a `--json` command printed: one object per line, ok as expected. */
function _checkJson(where: string, text: string, step: DocStep): void {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  assert.ok(lines.length > 0, `${where}: printed no JSON`);
  let last: Record<string, unknown> = {};
  for (const l of lines) {
    try {
      last = JSON.parse(l);
    } catch {
      assert.fail(`${where}: not JSON: ${l.slice(0, 300)}`);
    }
    assert.ok(last !== null && typeof last === "object", `${where}: not a JSON object: ${l}`);
  }
  if (step.exit === 0) {
    assert.equal(last["ok"], true, `${where}: expected "ok": true, got ${lines.at(-1)}`);
  } else {
    assert.equal(last["ok"], false, `${where}: expected "ok": false, got ${lines.at(-1)}`);
    if (step.error !== undefined) {
      const code = (last["error"] as { code?: unknown } | undefined)?.code;
      assert.equal(code, step.error, `${where}: expected error ${step.error}, got ${lines.at(-1)}`);
    }
  }
}

function _quote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * A temp dir with `repo/` (a git repository on `main` with one commit whose
 * `skills/<skill>/assets/<launcher>` wrappers exec this checkout's launchers)
 * and `tmp/` (what `/tmp/` stands for).
 */
async function _scratch(): Promise<{ base: string; repo: string; tmp: string }> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "skills-docs-" }));
  const repo = join(base, "repo");
  const tmp = join(base, "tmp");
  await Deno.mkdir(tmp);
  await Deno.mkdir(repo);
  await git(repo, "init", "-q", "-b", "main");
  await Deno.writeTextFile(join(repo, "README.md"), "# Scratch repository for the skill docs\n");
  for (const skill of Deno.readDirSync(join(ROOT, "skills"))) {
    if (!skill.isDirectory) continue;
    const assets = join(ROOT, "skills", skill.name, "assets");
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(assets)];
    } catch {
      continue;
    }
    const dest = join(repo, "skills", skill.name, "assets");
    await Deno.mkdir(dest, { recursive: true });
    for (const e of entries) {
      if (!e.isFile) continue;
      const path = join(dest, e.name);
      await Deno.writeTextFile(path, `#!/bin/sh\nexec ${_quote(join(assets, e.name))} "$@"\n`);
      await Deno.chmod(path, 0o755);
    }
  }
  await git(repo, "add", "-A");
  await git(
    repo,
    "-c",
    "user.name=Skills Docs Test",
    "-c",
    "user.email=skills-docs@example.com",
    "-c",
    "commit.gpgsign=false",
    "commit",
    "-q",
    "-m",
    "initial",
  );
  return { base, repo, tmp };
}

/**
 * Runs `$1` through `bash -c` as a job in its own process group, so a timeout
 * kills the whole group (a CLI, and anything a compound command started)
 * instead of leaving a child that holds the output pipes open. Exits with
 * the step's status, or 124 on timeout.
 */
const _RUNNER = `set -m; bash -c "$1" & pid=$!; set +m; ` +
  `trap 'kill -KILL -- -$pid 2>/dev/null; exit 124' TERM; wait $pid`;
const _TIMED_OUT = 124;

/** Runs one command line with `bash -c` in `cwd`; after `timeoutMs` it is killed (status 124). */
function _runStep(command: string, cwd: string, timeoutMs: number): Promise<Deno.CommandOutput> {
  return new Deno.Command("bash", {
    args: ["-c", _RUNNER, "skills-docs-step", command],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
}

/** Runs every step of `file` (relative to the repo root) in a fresh scratch dir. */
async function runDoc(file: string): Promise<void> {
  const skill = file.split("/")[1]!;
  const plan = extractSteps(await Deno.readTextFile(join(ROOT, file)));
  assert.deepEqual(plan.problems, [], `${file}: ${plan.problems.join("\n")}`);
  assert.ok(plan.steps.some((s) => !s.hidden), `${file}: no executed sh block`);
  const { base, repo, tmp } = await _scratch();
  try {
    const cwd = join(repo, "skills", skill);
    await Deno.mkdir(cwd, { recursive: true });
    for (const step of plan.steps) {
      const command = substitute(step, tmp);
      const where = _describe(file, step, command);
      const out = await _runStep(command, cwd, STEP_TIMEOUT_MS);
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      if (VERBOSE) console.log(`$ ${where}\n[exit ${out.code}] ${stdout}${stderr}`);
      assert.equal(
        out.code,
        step.exit,
        `${where}\nexited ${out.code}${
          out.code === _TIMED_OUT ? ` (killed: still running after ${STEP_TIMEOUT_MS} ms)` : ""
        }, expected ${step.exit}\nstdout: ${stdout}\nstderr: ${stderr}`,
      );
      if (/(^|\s)--json(\s|$)/.test(command) && !step.hidden) {
        const redirect = /\s>\s*(\S+)\s*$/.exec(command);
        const text = redirect
          ? await Deno.readTextFile(resolve(cwd, redirect[1]!.replace(/^["']|["']$/g, "")))
          : stdout;
        _checkJson(where, text, step);
      }
    }
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

/** The docs under test: every skill's SKILL.md, then the extra docs. */
function _docs(): string[] {
  const skills = [...Deno.readDirSync(join(ROOT, "skills"))]
    .filter((e) => e.isDirectory)
    .map((e) => `skills/${e.name}/SKILL.md`)
    .filter((f) => {
      try {
        return Deno.statSync(join(ROOT, f)).isFile;
      } catch {
        return false;
      }
    })
    .sort();
  return [...skills, ...EXTRA_DOCS];
}

for (const file of _docs()) {
  Deno.test(`${file}: every documented command runs`, async () => {
    await runDoc(file);
  });
}

Deno.test("skills docs: every skill has a SKILL.md, and every doc with commands is tested", () => {
  const tested = new Set(_docs());
  for (const e of Deno.readDirSync(join(ROOT, "skills"))) {
    if (e.isDirectory) {
      assert.ok(tested.has(`skills/${e.name}/SKILL.md`), `skills/${e.name}: no SKILL.md`);
    }
  }
  const walk = (dir: string): string[] =>
    [...Deno.readDirSync(dir)].flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory) return e.name === "bin" ? [] : walk(path);
      return e.name.endsWith(".md") ? [relative(ROOT, path)] : [];
    });
  for (const file of walk(join(ROOT, "skills"))) {
    if (tested.has(file)) continue;
    const plan = extractSteps(Deno.readTextFileSync(join(ROOT, file)));
    const commands = plan.steps.filter((s) => _isCommandLine(s.command));
    assert.deepEqual(
      commands.map((s) => `${file}:${s.line}: ${s.command}`),
      [],
      `${file} documents commands but is not in EXTRA_DOCS`,
    );
    assert.deepEqual(
      plan.problems.filter((p) => p.includes("never executed")),
      [],
      `${file} documents commands but is not in EXTRA_DOCS`,
    );
  }
});

Deno.test("skills/inbox/SKILL.md: the error table lists every error code with its exit status", () => {
  const markdown = Deno.readTextFileSync(join(ROOT, "skills/inbox/SKILL.md"));
  const rows = [...markdown.matchAll(/^\| `([A-Z_]+)` +\| (\d+) +\|/gm)]
    .map((m) => [m[1]!, Number(m[2])]);
  assert.deepEqual(rows, Object.entries(ERROR_CODES));
});

Deno.test("extractSteps() orders sh lines and hidden steps, and flags unexecuted commands", () => {
  const md = [
    "---",
    "name: x",
    "---",
    "<!-- test: echo setup -->",
    '<!-- test after "two": echo between -->',
    "<!-- test-set: RUN_ID=r1 -->",
    "```sh",
    "./assets/orch one --run RUN_ID",
    "./assets/orch two \\",
    "  --more",
    "# a comment",
    "```",
    "",
    "```sh exit=4 error=CANCELLED",
    "./assets/orch three",
    "```",
    "```text",
    "./assets/orch never-run",
    "```",
  ].join("\n");
  const plan = extractSteps(md);
  assert.deepEqual(plan.steps.map((s) => [s.command, s.line, s.hidden, s.exit]), [
    ["echo setup", 4, true, 0],
    ["./assets/orch one --run RUN_ID", 8, false, 0],
    ["./assets/orch two --more", 9, false, 0],
    ["echo between", 5, true, 0],
    ["./assets/orch three", 15, false, 4],
  ]);
  assert.equal(plan.steps[4]!.error, "CANCELLED");
  assert.equal(substitute(plan.steps[1]!, "/scratch"), "./assets/orch one --run r1");
  assert.equal(plan.problems.length, 1);
  assert.match(plan.problems[0]!, /line 18: command line in a "text" block is never executed/);
});

Deno.test("extractSteps() reports unknown directives, lost anchors and unclosed blocks", () => {
  const plan = extractSteps(
    [
      '<!-- test after "nowhere": echo x -->',
      "<!-- tset: echo y -->",
      "<!-- test-run: z -->",
      "```sh",
      "echo",
    ]
      .join("\n"),
  );
  assert.equal(plan.problems.length, 3, plan.problems.join("\n"));
  assert.match(plan.problems.join("\n"), /unknown test directive: <!-- test-run: z -->/);
  assert.match(plan.problems.join("\n"), /never closed/);
  assert.match(plan.problems.join("\n"), /anchor "nowhere"/);
});

Deno.test("substitute() maps /tmp/ and TMPDIR to the scratch dir", () => {
  const step: DocStep = {
    command: "./assets/x --run RUN_ID > /tmp/a.json && cat TMPDIR/b.txt RUN_IDS OUT",
    line: 1,
    hidden: false,
    exit: 0,
    vars: { RUN_ID: "r1", OUT: "/tmp/out.json" },
  };
  assert.equal(
    substitute(step, "/tmp/s/tmp"),
    "./assets/x --run r1 > /tmp/s/tmp/a.json && cat /tmp/s/tmp/b.txt RUN_IDS /tmp/s/tmp/out.json",
  );
});

Deno.test("_runStep() returns the status, and kills a step that outlives its timeout", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "skills-docs-step-" });
  try {
    const ok = await _runStep(`printf '%s' "$PWD"; exit 3`, cwd, 10_000);
    assert.equal(ok.code, 3);
    assert.equal(new TextDecoder().decode(ok.stdout), await Deno.realPath(cwd));
    assert.equal(new TextDecoder().decode(ok.stderr), "");
    const started = performance.now();
    const slow = await _runStep("sleep 30 && echo late; sleep 30", cwd, 300);
    assert.equal(slow.code, _TIMED_OUT);
    assert.ok(performance.now() - started < 10_000, "the step's children were killed too");
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("skills/orch/SKILL.md: the event list is generated from the enum (deno task skills:build)", () => {
  const markdown = Deno.readTextFileSync(join(ROOT, "skills/orch/SKILL.md"));
  const words = (s: string) => s.split(/\s+/).join(" ");
  assert.equal(
    words(markdown),
    words(withEventList(markdown)),
    "stale event list: run deno task skills:build",
  );
  for (const t of ORCH_EVENT_TYPES) assert.match(markdown, new RegExp(`^- \`${t}\``, "m"));
});
