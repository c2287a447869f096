/**
 * `orch`: the leader side. Entry point compiled into the `orch` binary
 * (permissions: read/write files and run `git`; see scripts/permissions.ts).
 */
import { orchApp } from "./cli/orch/app.ts";
import { runCli } from "./cli/run_cli.ts";

Deno.exitCode = await runCli(orchApp, "orch", Deno.args);
