import type { Message, Thread } from "../store/inbox_types.ts";

/** A plain text table: header row, then rows, columns padded. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [header, ...rows].map((r) =>
    r.map((c) => (c === null || c === undefined ? "-" : String(c)))
  );
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd())
    .join("\n");
}

/** One line about a thread. */
export function threadLine(t: Thread): string {
  const holder = t.claimed_by ? ` claimed_by=${t.claimed_by} epoch=${t.lease_epoch}` : "";
  const lease = t.lease_expires_at ? ` lease_until=${t.lease_expires_at}` : "";
  const progress = t.progress !== null ? ` progress=${t.progress}%` : "";
  return `thread ${t.id} [${t.status}] ${t.from_agent} -> ${t.to_agent}: ${t.subject}${holder}${lease}${progress}`;
}

/** A message as a short block. */
export function messageBlock(m: Message): string {
  const head = `#${m.id} ${m.ts} ${m.type} ${m.from_agent} -> ${m.to_agent} (thread ${m.thread_id}${
    m.thread_subject ? `: ${m.thread_subject}` : ""
  })`;
  const body = m.body ? "\n" + m.body.replace(/^/gm, "  ") : "";
  const payload = m.payload !== null && m.payload !== undefined
    ? "\n  payload: " + JSON.stringify(m.payload)
    : "";
  const arts = m.artifacts?.length
    ? "\n" +
      m.artifacts.map((a) =>
        `  artifact ${a.id}: ${a.name} (${a.size} bytes, sha256 ${a.sha256.slice(0, 12)})`
      ).join("\n")
    : "";
  return head + body + payload + arts;
}
