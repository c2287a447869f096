/** Name of the council reviewer result contract a review thread carries; `inbox done` enforces it. */
export const COUNCIL_CONTRACT = "council-review/v1";
