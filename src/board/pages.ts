/**
 * The board's server-rendered pages. Every value from the store (worker
 * text included) goes through `html`'s escaping; only the SVG renderer's
 * output (itself escaped) is inserted raw.
 */
import type { Tally } from "../council/types.ts";
import type { Message, Thread } from "../store/inbox_types.ts";
import type { BoardTask } from "../store/orch/board_tasks.ts";
import type { Attempt, Run, Task, TaskCounts } from "../store/orch_types.ts";
import { html, type Raw, raw } from "./html.ts";

/** A run page's path; ids may hold `@:+` and the like, so they are encoded. */
export function runPath(runId: string): string {
  return `/run/${encodeURIComponent(runId)}`;
}

export function taskPath(runId: string, taskId: string): string {
  return `${runPath(runId)}/task/${encodeURIComponent(taskId)}`;
}

function _layout(
  title: string,
  body: Raw,
  data: { run?: string; task?: string; cursor?: number } = {},
): string {
  const attrs = data.run === undefined ? html`` : html`
    data-run="${data.run}" data-cursor="${data.cursor ?? 0}"${data.task === undefined ? "" : html`
      data-task="${data.task}"
    `}
  `;
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>${title}</title>
        <link rel="stylesheet" href="/assets/board.css">
        <script src="/assets/board.js" defer></script>
      </head>
      <body>
        <header><strong><a href="/">orch board</a></strong><span>${title}</span>${data.run ===
            undefined
          ? ""
          : raw('<span id="live" class="note">connecting…</span>')}</header>
        <main id="board" ${attrs}>
    ${body}
        </main>
      </body>
    </html>
  `.value;
}

function _badge(status: string, stale = false): Raw {
  return html`<span class="badge st-${status.replace(/[^A-Za-z0-9_]/g, "_")}${
    stale ? " stale" : ""
  }">${status}${stale ? " (stale)" : ""}</span>`;
}

function _counts(counts: TaskCounts): Raw {
  return html`${
    Object.entries(counts).filter(([k, v]) => k !== "total" && v > 0).map(([k, v]) =>
      html`
        <span class="badge st-${k}">${k} ${v}</span>
      `
    )
  }<span class="meta">${counts.total} tasks</span>`;
}

/** The list of runs. */
export function runsPage(runs: Array<{ run: Run; counts: TaskCounts }>): string {
  const rows = runs.map(({ run, counts }) =>
    html`
      <tr>
        <td><a href="${runPath(run.id)}">${run.id}</a></td>
        <td>${_badge(run.status)}</td>
        <td class="wide">${run.kind}</td>
        <td>${run.goal}</td>
        <td>${_counts(counts)}</td>
        <td class="wide">${run.created_at}</td>
      </tr>
    `
  );
  return _layout(
    "Runs",
    html`<h1>Runs</h1>${
      runs.length
        ? html`
          <div class="scroll">
            <table id="runs">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Status</th>
                  <th class="wide">Kind</th>
                  <th>Goal</th>
                  <th>Tasks</th>
                  <th class="wide">Created</th>
                </tr>
              </thead>
              <tbody>${rows}</tbody>
            </table>
          </div>
        `
        : html`<p class="note">No runs yet: <code>orch run init --run R --goal G</code>.</p>`
    }`,
  );
}

function _landCell(a: Attempt | null): string {
  return landText(a);
}

function _messageCell(m: Message | null): Raw {
  if (!m) return html`-`;
  const first = m.body.split("\n")[0] ?? "";
  return html`
    <details>
      <summary>${m.type}: ${first.length > 80 ? first.slice(0, 79) + "…" : first}</summary>
      <pre>${m.body || "(no text)"}</pre>
    </details>
  `;
}

/** One row of the task table (the page's script builds the same cells live). */
function _taskRow(runId: string, t: BoardTask): Raw {
  const a = t.latest_attempt;
  const th = t.thread;
  return html`
    <tr data-task="${t.id}" data-status="${t.status}">
      <td><a href="${taskPath(runId, t.id)}">${t.id}</a></td>
      <td class="wide">${t.title}</td>
      <td>${_badge(t.status, a?.stale ?? false)}</td>
      <td>${th?.claimed_by ?? a?.assigned_to ?? "-"}</td>
      <td>${th?.progress != null ? `${th.progress}%` : "-"}</td>
      <td class="wide">${th?.lease_expires_at ?? "-"}</td>
      <td>${a ? `#${a.n}` : "-"}</td>
      <td class="wide">${_landCell(a)}</td>
      <td>${_messageCell(t.latest_message)}</td>
    </tr>
  `;
}

function _blockedItem(runId: string, t: BoardTask): Raw {
  const q = t.question!;
  return html`
    <div class="blocked-item" data-task="${t.id}" data-question="${q.id}">
      <div><a href="${taskPath(runId, t.id)}">${t.id}</a><span class="meta"> asks (${q
        .from_agent}, ${q.ts}):</span></div>
      <pre class="question">${q.body || "(no question text)"}</pre>
      <form method="post"
        action="${taskPath(
          runId,
          t.id,
        )}/answer"><textarea name="body" required aria-label="Answer to ${t
          .id}"></textarea><button>Answer</button></form>
    </div>
  `;
}

export interface CouncilSection {
  topic: string;
  tally: Tally;
  markdown: string;
}

function _council(c: CouncilSection): Raw {
  const group = (name: string, groups: Tally["consensus"]) =>
    html`
      <h3>${name} (${groups.length})</h3>
      <ul>${groups.map((g) =>
        html`<li>${g.title} <span class="meta">[${g.reviewers.join(", ")}]</span></li>`
      )}</ul>
    `;
  return html`
    <section
      id="council"><h2>Council: ${c.topic}</h2><p>Counted ${c.tally.reviewers_counted} of ${c.tally
        .reviewers_total} reviewers.</p>${group("Consensus", c.tally.consensus)}${group(
          "Majority",
          c.tally.majority,
        )}${group(
          "Minority",
          c.tally.minority,
        )}<details><summary>Report (markdown)</summary><pre id="council-report">${c
        .markdown}</pre></details></section>
  `;
}

/** A run: counts, graph, blocked questions with answer forms, task table, council. */
export function runPage(input: {
  run: Run;
  counts: TaskCounts;
  tasks: BoardTask[];
  graphSvg: string;
  cursor: number;
  council?: CouncilSection | undefined;
  error?: string | undefined;
}): string {
  const { run, tasks } = input;
  const blocked = tasks.filter((t) => t.status === "blocked" && t.question);
  const body = html`
    <h1>${run.id} ${_badge(run.status)}</h1>
    <p>${run.goal}</p>
    <p id="counts" class="counts">${_counts(input.counts)}</p>
    ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ""}
    <h2>Blocked questions</h2>
    <p id="blocked-none" class="note" ${blocked.length
      ? raw(" hidden")
      : ""}>No task is waiting for an answer.</p>
    <div id="blocked-list">${blocked.map((t) => _blockedItem(run.id, t))}</div>
    <h2>Dependency graph</h2>
    <div id="graph-box">${raw(input.graphSvg)}</div>
    <h2>Tasks</h2>
    <div class="scroll">
      <table id="tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th class="wide">Title</th>
            <th>Status</th>
            <th>Holder</th>
            <th>Progress</th>
            <th class="wide">Lease expires</th>
            <th>Attempt</th>
            <th class="wide">Ahead / merged</th>
            <th>Latest message</th>
          </tr>
        </thead>
        <tbody id="tasks-body">${tasks.map((t) => _taskRow(run.id, t))}</tbody>
      </table>
    </div>
    ${input.council ? _council(input.council) : ""}
  `;
  return _layout(`Run ${run.id}`, body, { run: run.id, cursor: input.cursor });
}

/** One attempt with its thread, as the task page's timeline shows it. */
export interface AttemptThread {
  attempt: Attempt;
  thread: Thread;
  messages: Message[];
}

/** The timeline of a task's attempts (also served alone for live refresh). */
export function timeline(items: AttemptThread[]): string {
  if (!items.length) return html`<p class="note">Not dispatched yet.</p>`.value;
  return items.map(({ attempt: a, thread: th, messages }) =>
    html`
      <section class="attempt" data-attempt="${a.n}">
        <h2>Attempt #${a.n}: ${a.assigned_to} ${_badge(a.status, a.stale)}</h2>
        <p
          class="meta">${a.execution_mode} mode, thread ${th.id} [${th.status}]${th.claimed_by
            ? `, held by ${th.claimed_by}`
            : ""}${th.progress !== null ? `, ${th.progress}%` : ""}${th.lease_expires_at
            ? `, lease until ${th.lease_expires_at}`
            : ""}${a.branch_name ? `, branch ${a.branch_name}` : ""}${a.worktree_path
            ? `, worktree ${a.worktree_path}`
            : ""}</p>
        <ol class="timeline">${messages.map((m) =>
          html`
            <li class="${m.type}"
              data-message="${m.id}"><div class="meta">${m.ts} <strong>${m.type}</strong> ${m
                .from_agent} → ${m.to_agent}</div>${m.body
                ? html`<pre>${m.body}</pre>`
                : ""}${m.payload !== null && m.payload !== undefined
                ? html`
                  <details>
                    <summary>payload</summary>
                    <pre>${JSON.stringify(m.payload, null, 2)}</pre>
                  </details>
                `
                : ""}${m.artifacts?.length
                ? html`<ul>${
                  m.artifacts.map((x) =>
                    html`<li><a href="/artifact/${x.id}" download="${x.name}">${x.name}</a> <span class="meta">(${x.size} bytes, ${x.media_type}, sha256 ${
                      x.sha256.slice(0, 12)
                    })</span></li>`
                  )
                }</ul>`
                : ""}</li>
          `
        )}</ol>
      </section>
    `.value
  ).join("\n");
}

/** A task: its summary, dependencies, then the timeline of its attempts. */
export function taskPage(
  input: { run: Run; task: Task; items: AttemptThread[]; cursor: number },
): string {
  const { run, task } = input;
  const body = html`<p><a href="${runPath(run.id)}">← run ${run.id}</a></p>
<h1>${task.id} ${_badge(task.status)}</h1>
<p>${task.title}</p>
${task.summary ? html`<pre>${task.summary}</pre>` : ""}
<p class="meta">Depends on: ${
    task.depends_on.length
      ? task.depends_on.map((d, i) =>
        html`${i ? ", " : ""}<a href="${taskPath(run.id, d)}">${d}</a>`
      )
      : "nothing"
  }</p>
<div id="timeline-box">${raw(timeline(input.items))}</div>`;
  return _layout(`Task ${run.id}/${task.id}`, body, {
    run: run.id,
    task: task.id,
    cursor: input.cursor,
  });
}

/** An error page (also what a refused request gets). */
export function errorPage(code: string, message: string): string {
  return _layout(
    "Error",
    html`
      <p class="error" role="alert"><strong>${code}</strong>: ${message}</p>
      <p><a href="/">Runs</a></p>
    `,
  );
}

/** Commits ahead, acceptance and merge of a code attempt ("-" when it has none yet). */
export function landText(a: Attempt | null): string {
  if (!a) return "-";
  const parts: string[] = [];
  if (a.result) {
    if (a.result.commits_ahead !== null) parts.push(`${a.result.commits_ahead} ahead`);
    if (a.result.status !== "accepted") {
      parts.push(a.result.reason ? `${a.result.status} (${a.result.reason})` : a.result.status);
    }
  }
  if (a.merge) {
    parts.push(a.merge.status === "merged" ? `merged into ${a.merge.into}` : a.merge.status);
  }
  return parts.join(", ") || "-";
}
