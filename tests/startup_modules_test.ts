/**
 * Start-up cost of read commands (issue 11 item 17): every module a command
 * loads costs start-up time, so read commands load only what they use. Two
 * views: the static import graph Deno reports (`deno info --json`, dynamic
 * imports left out: they load only in the commands that call them), and the
 * modules a real run of each command actually loads (Deno's loader trace,
 * scripts/module_trace.ts), which also catches a lost lazy-loading setting.
 */
import assert from "node:assert/strict";
import { ok, orch, SQLITE_ONLY, tempDb } from "./_cli.ts";
import { seedRun, tempRepo } from "./_orch.ts";
import { dispatchAndFinish } from "./_code.ts";
import { traceModules } from "../scripts/module_trace.ts";

const ROOT = new URL("..", import.meta.url);

interface InfoModule {
  specifier: string;
  dependencies?: Array<{ code?: { specifier: string }; isDynamic?: boolean }>;
}

/** Specifiers statically reachable (dynamic imports excluded) from `entries`, per `deno info`. */
async function staticGraph(entries: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const entry of entries) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", new URL(entry, ROOT).pathname],
      cwd: ROOT.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      roots: string[];
      modules: InfoModule[];
      redirects?: Record<string, string>;
    };
    const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
    const queue = [...info.roots];
    for (let s = queue.pop(); s !== undefined; s = queue.pop()) {
      if (seen.has(s)) continue;
      seen.add(s);
      const m = bySpecifier.get(info.redirects?.[s] ?? s);
      for (const d of m?.dependencies ?? []) {
        if (d.code && !d.isDynamic) queue.push(d.code.specifier);
      }
    }
  }
  return seen;
}

/** Modules a read command has no use for: validation (zod), MCP, renderers, git, Node's layer. */
function unwanted(specifier: string): boolean {
  // No npm package at all: the first `npm:` import sets up Deno's npm resolution, 10-20 ms (stricli
  // is vendored in src/vendor/stricli/ for this).
  if (specifier.startsWith("npm:")) return true;
  if (specifier.startsWith("node:")) return specifier !== "node:sqlite";
  return /\/src\/(council|cli\/mcp|git|board\/(server|html|pages|graph_svg))\//.test(specifier) ||
    specifier.endsWith("/src/protocol/schemas.ts") ||
    specifier.endsWith("/src/protocol/output_schemas.ts");
}

/**
 * Modules a successful read does not use: the store's write operations, the CLI's input readers,
 * and what only errors, stdin or a PostgreSQL URL need.
 */
function writeOnly(specifier: string): boolean {
  return /\/src\/store\/inbox\/(send_thread|claim_thread|update_thread|complete_thread|fail_thread|add_artifacts)\.ts$/
    .test(specifier) ||
    /\/src\/store\/orch\/(dispatch|retry|reassign|cancel|add_task|create_run)\.ts$/.test(
      specifier,
    ) ||
    /\/src\/(cli\/input|storage\/sqlite\/migrate)\.ts$/.test(specifier) ||
    // Loaded only on the paths that use them: stdin, an error's wording, a URL's redaction.
    /\/src\/(cli\/read_bounded|cli\/error_wording|storage\/postgres\/redact)\.ts$/.test(specifier);
}

// The modules read commands run: the entry (argument parsing), then the lazily loaded
// implementation module of the command.
const READ_PATHS: Record<string, string[]> = {
  "inbox fetch/list/show/status/watch/wait-reply": ["src/inbox.ts", "src/cli/inbox/impl.ts"],
  "inbox search": ["src/inbox.ts", "src/cli/inbox/search_impl.ts"],
  "orch status/ready/list/show/wait": ["src/orch.ts", "src/cli/orch/impl.ts"],
};

for (const [name, entries] of Object.entries(READ_PATHS)) {
  Deno.test(`${name}: no zod and nothing else a read does not use, statically reachable`, async () => {
    const graph = await staticGraph(entries);
    assert.ok(graph.size > 10, `deno info found only ${[...graph].join(", ")}`);
    assert.ok(graph.has("node:sqlite"), "the graph walk saw the database layer");
    assert.deepEqual([...graph].filter(unwanted), []);
  });
}

Deno.test("the checks see zod where it is: the council contract", async () => {
  const graph = await staticGraph(["src/council/contract.ts"]);
  assert.ok([...graph].some((s) => s.startsWith("npm:") && s.includes("zod")), [...graph].join());
  assert.ok([...graph].some(unwanted));
});

// The SQLite start-up path (a PostgreSQL store loads its client, by design).
Deno.test(
  { name: "read commands, run for real, load only what they use", ignore: SQLITE_ONLY },
  async () => {
    await using env = await tempDb();
    await seedRun(env.db, "R", { A: "w1", B: "w2" }, [["B", "A"]]);
    await ok(orch(env.db, "dispatch", "--run", "R", "--task", "A", "--execution-mode", "analysis"));
    const runs: Array<["inbox" | "orch", string[]]> = [
      ["inbox", ["fetch", "--agent", "w1", "--peek"]],
      ["inbox", ["list", "--limit", "50"]],
      ["inbox", ["show", "--thread", "1"]],
      ["orch", ["status", "--run", "R"]],
      ["orch", ["ready", "--run", "R"]],
    ];
    for (const [program, args] of runs) {
      const t = await traceModules(program, ["--db", env.db, "--json", ...args]);
      const what = `${program} ${args[0]}`;
      assert.equal(t.code, 0, what);
      assert.ok(
        t.own.length > 10 && t.read.length >= t.own.length,
        `${what}: trace found ${t.read}`,
      );
      assert.deepEqual(t.read.filter(unwanted), [], `${what} read modules it does not use`);
      assert.deepEqual(
        t.read.filter(writeOnly),
        [],
        `${what} read modules only writes, errors or stdin use`,
      );
      assert.deepEqual(t.npm, [], `${what} loaded npm packages`);
      // node:sqlite's own few modules only: importing node:path (say) loads ~40 more.
      assert.ok(t.node.length <= 8, `${what} loaded the Node layer: ${t.node.join(", ")}`);
    }
  },
);

Deno.test(
  { name: "a write on a database without tokens loads no token hashing", ignore: SQLITE_ONLY },
  async () => {
    await using env = await tempDb();
    await ok(orch(env.db, "run", "init", "--run", "R", "--goal", "g"));
    // Each runs twice (the trace is of the second run): a new task each time.
    const runs: Array<["inbox" | "orch", (n: number) => string[]]> = [
      ["inbox", () => ["fetch", "--agent", "w1"]],
      ["orch", (n) => ["task", "add", "--run", "R", "--task", `A${n}`, "--title", "a"]],
    ];
    for (const [program, args] of runs) {
      const t = await traceModules(program, (n) => ["--db", env.db, "--json", ...args(n)]);
      const what = `${program} ${args(1).join(" ")}`;
      assert.equal(t.code, 0, what);
      assert.ok(
        t.own.some((s) => s.endsWith("/src/store/access/authorize.ts")),
        `${what}: ${t.own}`,
      );
      assert.deepEqual(
        t.own.filter((s) => /\/src\/store\/(access\/token|sha256)\.ts$/.test(s)),
        [],
        `${what} loaded the token hashing that only a strict database needs`,
      );
    }
  },
);

Deno.test(
  {
    name: "commands that run git (code dispatch, merge) stay out of Node's layer: no node:path",
    ignore: SQLITE_ONLY,
  },
  async () => {
    await using env = await tempRepo();
    await seedRun(env.db, "R", { A: "w", B: "w", C: "w" });
    await dispatchAndFinish(env.repo, env.db, "R", "A", { "a.txt": "a\n" });
    const runs: Array<[string, (n: number) => string[]]> = [
      // Twice each (the trace is of the second run): a new task, a dry run.
      [
        "dispatch",
        (n) => ["dispatch", "--run", "R", "--task", n ? "C" : "B", "--execution-mode", "code"],
      ],
      ["merge", () => ["merge", "--run", "R", "--into", "main", "--dry-run"]],
    ];
    for (const [what, args] of runs) {
      const t = await traceModules("orch", (n) => ["--db", env.db, "--json", ...args(n)], {
        cwd: env.repo,
      });
      assert.equal(t.code, 0, what);
      assert.ok(
        t.own.some((s) => s.endsWith("/src/git/run_git.ts")),
        `${what} ran no git: ${t.own}`,
      );
      assert.deepEqual(
        t.node.filter((s) =>
          !/\/(sqlite|internal\/crypto\/_keys|internal\/util\/types|internal_binding\/types)\.ts$/
            .test(s)
        ),
        [],
        `${what} loaded Node's compatibility layer`,
      );
    }
  },
);
