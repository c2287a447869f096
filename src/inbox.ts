/**
 * `inbox`: the worker side. Entry point compiled into the `inbox` binary
 * (permissions: read/write files only; see scripts/permissions.ts).
 */
import { inboxApp } from "./cli/inbox/app.ts";
import { runCli } from "./cli/run_cli.ts";

Deno.exitCode = await runCli(inboxApp, "inbox", Deno.args);
