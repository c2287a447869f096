/**
 * The board's stylesheet and script, embedded as strings so a compiled
 * binary serves them (no front-end build, no external requests). The script
 * follows the run's server-sent events and patches the page in place.
 */
import { OTHER_STYLE, STALE_STYLE, STATUS_STYLES } from "./graph_model.ts";

const _statusCss = Object.entries(STATUS_STYLES).map(([s, c]) =>
  `.node.st-${s} rect{fill:${c.fill};stroke:${c.stroke}}\n.badge.st-${s}{background:${c.fill};border-color:${c.stroke}}`
).join("\n");

export const BOARD_CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#111827;background:#fafafa}
header{background:#111827;color:#f9fafb;padding:.6rem 1rem;display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}
header a{color:#f9fafb}
header .note{color:#d1d5db}
main{padding:1rem;max-width:1400px}
h1{font-size:1.25rem;margin:.2rem 0}
h2{font-size:1.05rem;margin:1.4rem 0 .5rem}
a{color:#1d4ed8}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e5e7eb;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{font-weight:600;background:#f3f4f6;position:sticky;top:0}
.scroll{overflow-x:auto}
.badge{display:inline-block;border:1px solid ${OTHER_STYLE.stroke};background:${OTHER_STYLE.fill};border-radius:.6rem;padding:0 .45rem;font-size:.85em;white-space:nowrap}
.badge.stale{background:${STALE_STYLE.fill};border-color:${STALE_STYLE.stroke};font-weight:700}
.badge.st-blocked,.badge.st-failed{font-weight:700}
${_statusCss}
#graph-box{overflow:auto;background:#fff;border:1px solid #e5e7eb;max-height:70vh}
#graph .node rect{fill:${OTHER_STYLE.fill};stroke:${OTHER_STYLE.stroke};stroke-width:1.5}
${_statusCss.split("\n").filter((l) => l.startsWith(".node")).map((l) => "#graph " + l).join("\n")}
#graph .node.stale rect{fill:${STALE_STYLE.fill};stroke:${STALE_STYLE.stroke};stroke-dasharray:6 3}
#graph .node.attention rect{stroke-width:4}
#graph text{font:12px system-ui,sans-serif;text-anchor:middle;fill:#111827}
#graph text.nid{font-weight:600}
#graph .edge{fill:none;stroke:#6b7280;stroke-width:1.4}
#graph .arrowhead{fill:#6b7280}
details summary{cursor:pointer}
pre{white-space:pre-wrap;word-break:break-word;background:#f9fafb;border:1px solid #e5e7eb;padding:.5rem;margin:.3rem 0;max-height:30rem;overflow:auto}
.blocked-item{border:2px solid #d97706;background:#fffbeb;padding:.6rem;margin:.5rem 0;border-radius:.4rem}
textarea{width:100%;min-height:5rem;font:inherit}
button{font:inherit;padding:.3rem .9rem;margin-top:.3rem}
.note{color:#4b5563}
.counts span{margin-right:.6rem}
.timeline{list-style:none;padding:0}
.timeline li{border-left:3px solid #d1d5db;padding:.2rem 0 .6rem .8rem;margin-left:.3rem}
.timeline li.question{border-color:#d97706}
.timeline li.reply{border-color:#2563eb}
.timeline li.result{border-color:#16a34a}
.timeline li.failure{border-color:#dc2626}
.meta{color:#6b7280;font-size:.9em}
.error{border:2px solid #dc2626;background:#fef2f2;padding:.6rem}
#live{font-size:.85em}
@media (max-width:700px){
 main{padding:.5rem}
 .wide{display:none}
 th,td{padding:.3rem}
 #graph{max-width:100%;height:auto}
}
`;

export const BOARD_JS = `
"use strict";
(function () {
  var root = document.getElementById("board");
  if (!root) return;
  var run = root.getAttribute("data-run");
  var task = root.getAttribute("data-task");
  var cursor = root.getAttribute("data-cursor") || "0";
  var live = document.getElementById("live");
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value == null ? "" : String(value);
    if (cls) el.className = cls;
    return el;
  }
  function nodeClass(t) {
    var stale = !!(t.latest_attempt && t.latest_attempt.stale);
    var attention = stale || t.status === "blocked" || t.status === "failed";
    return "node st-" + t.status.replace(/[^A-Za-z0-9_]/g, "_") + (stale ? " stale" : "") + (attention ? " attention" : "");
  }
  function statusLabel(t) {
    return t.status + (t.latest_attempt && t.latest_attempt.stale ? " (stale)" : "");
  }
  function base() { return "/run/" + encodeURIComponent(run); }
  function taskHref(id) { return base() + "/task/" + encodeURIComponent(id); }
  function badge(t) {
    var b = text("span", statusLabel(t), "badge st-" + t.status.replace(/[^A-Za-z0-9_]/g, "_") + (t.latest_attempt && t.latest_attempt.stale ? " stale" : ""));
    return b;
  }
  function messageCell(m) {
    if (!m) return text("span", "-");
    var d = document.createElement("details");
    var first = (m.body || "").split("\\n")[0];
    d.appendChild(text("summary", m.type + ": " + (first.length > 80 ? first.slice(0, 79) + "\\u2026" : first)));
    d.appendChild(text("pre", m.body || "(no text)"));
    return d;
  }
  function landCell(a) {
    if (!a) return "-";
    var parts = [];
    if (a.result) {
      if (a.result.commits_ahead != null) parts.push(a.result.commits_ahead + " ahead");
      if (a.result.status !== "accepted") parts.push(a.result.reason ? a.result.status + " (" + a.result.reason + ")" : a.result.status);
    }
    if (a.merge) parts.push(a.merge.status === "merged" ? "merged into " + a.merge.into : a.merge.status);
    return parts.length ? parts.join(", ") : "-";
  }
  function fillRow(tr, t) {
    var a = t.latest_attempt, th = t.thread;
    tr.textContent = "";
    var idCell = document.createElement("td");
    var link = text("a", t.id); link.href = taskHref(t.id); idCell.appendChild(link);
    tr.appendChild(idCell);
    tr.appendChild(text("td", t.title, "wide"));
    var st = document.createElement("td"); st.appendChild(badge(t)); tr.appendChild(st);
    tr.appendChild(text("td", th && th.claimed_by ? th.claimed_by : (a ? a.assigned_to : "-")));
    tr.appendChild(text("td", th && th.progress != null ? th.progress + "%" : "-"));
    tr.appendChild(text("td", th && th.lease_expires_at ? th.lease_expires_at : "-", "wide"));
    tr.appendChild(text("td", a ? "#" + a.n : "-"));
    tr.appendChild(text("td", landCell(a), "wide"));
    var mc = document.createElement("td"); mc.appendChild(messageCell(t.latest_message)); tr.appendChild(mc);
    tr.setAttribute("data-status", t.status);
  }
  function updateRow(t) {
    var body = document.getElementById("tasks-body");
    if (!body) return;
    var tr = body.querySelector('tr[data-task="' + CSS.escape(t.id) + '"]');
    if (!tr) { tr = document.createElement("tr"); tr.setAttribute("data-task", t.id); body.appendChild(tr); }
    fillRow(tr, t);
    var node = document.querySelector('#graph a[data-task="' + CSS.escape(t.id) + '"]');
    if (node) {
      node.setAttribute("class", nodeClass(t));
      var st = node.querySelector("text.nst"); if (st) st.textContent = statusLabel(t);
      var title = node.querySelector("title"); if (title) title.textContent = t.id + ": " + t.title + " (" + statusLabel(t) + ")";
    }
    updateBlocked(t);
  }
  function updateBlocked(t) {
    var list = document.getElementById("blocked-list");
    if (!list) return;
    var item = list.querySelector('[data-task="' + CSS.escape(t.id) + '"]');
    var qid = t.question ? String(t.question.id) : null;
    if (t.status !== "blocked" || !t.question) { if (item) item.remove(); updateBlockedNote(); return; }
    if (item && item.getAttribute("data-question") === qid) return;
    if (item) item.remove();
    item = document.createElement("div");
    item.className = "blocked-item";
    item.setAttribute("data-task", t.id);
    item.setAttribute("data-question", qid);
    var h = document.createElement("div");
    var link = text("a", t.id); link.href = taskHref(t.id); h.appendChild(link);
    h.appendChild(text("span", " asks (" + t.question.from_agent + ", " + t.question.ts + "):", "meta"));
    item.appendChild(h);
    item.appendChild(text("pre", t.question.body || "(no question text)", "question"));
    var f = document.createElement("form");
    f.method = "post"; f.action = taskHref(t.id) + "/answer";
    var ta = document.createElement("textarea"); ta.name = "body"; ta.required = true;
    ta.setAttribute("aria-label", "Answer to " + t.id);
    f.appendChild(ta);
    f.appendChild(text("button", "Answer"));
    item.appendChild(f);
    list.appendChild(item);
    updateBlockedNote();
  }
  function updateBlockedNote() {
    var list = document.getElementById("blocked-list");
    var note = document.getElementById("blocked-none");
    if (list && note) note.hidden = list.children.length > 0;
  }
  function updateCounts(counts) {
    var el = document.getElementById("counts");
    if (!el || !counts) return;
    el.textContent = "";
    Object.keys(counts).forEach(function (k) {
      if (k === "total" || !counts[k]) return;
      el.appendChild(text("span", k + " " + counts[k], "badge st-" + k));
      el.appendChild(document.createTextNode(" "));
    });
    el.appendChild(text("span", counts.total + " tasks", "meta"));
  }
  function reloadGraph() {
    fetch(base() + "/graph", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (svg) { var box = document.getElementById("graph-box"); if (svg !== null && box) box.innerHTML = svg; });
  }
  function reloadTimeline() {
    fetch(taskHref(task) + "/timeline", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (h) { var box = document.getElementById("timeline-box"); if (h !== null && box) box.innerHTML = h; });
  }
  var es = new EventSource(base() + "/events?after=" + encodeURIComponent(cursor));
  es.addEventListener("open", function () { if (live) live.textContent = "live"; });
  es.addEventListener("error", function () { if (live) live.textContent = "reconnecting\\u2026"; });
  es.addEventListener("update", function (e) {
    var d = JSON.parse(e.data);
    cursor = String(d.cursor);
    root.setAttribute("data-cursor", cursor);
    if (task) {
      if (d.tasks.some(function (t) { return t.id === task; })) reloadTimeline();
      return;
    }
    d.tasks.forEach(updateRow);
    updateCounts(d.counts);
    if (d.graph_changed) reloadGraph();
    if (live) live.textContent = "live, event #" + cursor;
  });
})();
`;
