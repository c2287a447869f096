/** The browser scenario's steps (tests/browser/board_scenario.ts), in order. */
export const STEPS = [
  "the run page shows the graph with every task (screenshot saved)",
  "a worker's update shows on the open page without a reload",
  "a blocked question appears live; answering it in the page wakes inbox wait-reply",
  "the page made no request outside the board",
] as const;
