/**
 * The text formats `orch graph` renders (src/board/graph_text.ts). A file of
 * its own so the command surface (src/cli/orch/app.ts, loaded by every orch
 * command) names them without loading the renderers.
 */
export const GRAPH_FORMATS = ["mermaid", "dot"] as const;
export type GraphFormat = typeof GRAPH_FORMATS[number];
