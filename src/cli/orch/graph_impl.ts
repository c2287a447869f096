import { graphNodes } from "../../board/graph_model.ts";
import { type GraphFormat, renderGraphText } from "../../board/graph_text.ts";
import type { CliContext } from "../context.ts";
import { respond } from "../respond.ts";
import { orchStore } from "./impl.ts";

/** `orch graph`: the run's dependency graph as Mermaid or DOT text. */
export function graph(
  this: CliContext,
  flags: { run: string; format: GraphFormat },
): Promise<void> {
  return respond(this, async () => {
    const store = await orchStore(this);
    await store.reconcile(flags.run);
    const view = await store.status(flags.run);
    const text = renderGraphText(graphNodes(view.tasks), flags.format, view.run.id);
    return { json: { run_id: flags.run, format: flags.format, graph: text }, text };
  });
}
