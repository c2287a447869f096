import { mapSeq } from "../map_seq.ts";
import { messageFromRow } from "../inbox/message_row.ts";
import { threadFromRow } from "../inbox/thread_row.ts";
import type { Message, Thread } from "../inbox_types.ts";
import type { OrchContext } from "./context.ts";
import type { TaskView } from "./status.ts";
import { getRun } from "./get_run.ts";
import { getTask } from "./get_task.ts";
import { latestAttempt } from "./latest_attempt.ts";
import { status } from "./status.ts";

/** A task as the board's table shows it: the status view plus its attempt's thread (holder, progress, lease). */
export interface BoardTask extends TaskView {
  thread: Thread | null;
  /** The latest question of the attempt's thread while the task is blocked. */
  question: Message | null;
}

/**
 * The board's rows of a run (call reconcile first): every task, or only
 * `taskIds` (the ones an event touched), from one read snapshot. Unknown
 * ids are left out.
 */
export async function boardTasks(
  store: OrchContext,
  runId: string,
  taskIds?: readonly string[],
): Promise<BoardTask[]> {
  return await store.db.read(async () => {
    let views: TaskView[];
    if (taskIds === undefined) {
      views = (await status(store, runId)).tasks;
    } else {
      await getRun(store, runId);
      const known = new Set(
        (await store.db.all("SELECT id FROM tasks WHERE run_id = ?", runId)).map((r) =>
          String(r["id"])
        ),
      );
      views = await mapSeq([...new Set(taskIds)].filter((id) => known.has(id)), async (id) => {
        const task = await getTask(store, runId, id);
        const attempt = await latestAttempt(store, runId, id);
        const m = attempt
          ? await store.db.get(
            "SELECT * FROM messages WHERE thread_id = ? ORDER BY id DESC LIMIT 1",
            attempt.thread_id,
          )
          : undefined;
        return { ...task, latest_attempt: attempt, latest_message: m ? messageFromRow(m) : null };
      });
    }
    const threads = new Map<number, Thread>();
    const wanted = views.flatMap((v) => v.latest_attempt ? [v.latest_attempt.thread_id] : []);
    if (taskIds === undefined) {
      for (const r of await store.db.all("SELECT * FROM threads WHERE run_id = ?", runId)) {
        threads.set(Number(r["id"]), threadFromRow(r));
      }
    } else {
      for (const id of wanted) threads.set(id, await store.inbox.getThread(id));
    }
    return (await mapSeq(views, async (v) => {
      const thread = v.latest_attempt ? threads.get(v.latest_attempt.thread_id) ?? null : null;
      let question: Message | null = null;
      if (v.status === "blocked" && thread) {
        const q = await store.db.get(
          "SELECT * FROM messages WHERE thread_id = ? AND type = 'question' ORDER BY id DESC LIMIT 1",
          thread.id,
        );
        question = q ? messageFromRow(q) : null;
      }
      return { ...v, thread, question };
    }));
  });
}
