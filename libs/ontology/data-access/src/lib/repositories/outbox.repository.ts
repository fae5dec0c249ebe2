import { pgArray, Sql } from '../sql/ontology-database';

export interface OutboxMessage {
  subject: string;
  msgId: string;
  payload: unknown;
}

export interface PendingOutboxMessage extends OutboxMessage {
  id: string;
}

/**
 * Transactional outbox: events are written in the same transaction as the change they describe
 * and published after commit. If publishing fails, the rows stay and the next flush (or the
 * redelivered batch) publishes them; `Nats-Msg-Id` makes a repeated publish a no-op.
 */
export class OutboxRepository {
  /** Appends messages with one multi-row INSERT; returns their ids (for `takeIds` after commit). */
  async add(sql: Sql, messages: readonly OutboxMessage[]): Promise<string[]> {
    if (!messages.length) return [];
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO outbox (subject, msg_id, payload)
       SELECT r.subject, r.msg_id, r.payload FROM jsonb_to_recordset(?::jsonb) AS r(subject text, msg_id text, payload jsonb)
       RETURNING id::text AS id`,
      [JSON.stringify(messages.map((m) => ({ subject: m.subject, msg_id: m.msgId, payload: m.payload })))],
    );
    return rows.map((r) => r.id);
  }

  /**
   * `add`, returning each message with its id (the ingest hot path publishes from memory, then
   * deletes the rows by id with `remove`, instead of reading the payloads back).
   */
  async addEntries(sql: Sql, messages: readonly OutboxMessage[]): Promise<PendingOutboxMessage[]> {
    if (!messages.length) return [];
    const rows = await sql.query<{ id: string; msg_id: string }>(
      `INSERT INTO outbox (subject, msg_id, payload)
       SELECT r.subject, r.msg_id, r.payload FROM jsonb_to_recordset(?::jsonb) AS r(subject text, msg_id text, payload jsonb)
       RETURNING id::text AS id, msg_id`,
      [JSON.stringify(messages.map((m) => ({ subject: m.subject, msg_id: m.msgId, payload: m.payload })))],
    );
    return pairById(messages, rows);
  }

  /** Deletes published messages by id (one statement, no payload read back). */
  async remove(sql: Sql, ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    const rows = await sql.query<{ n: number }>(`WITH d AS (DELETE FROM outbox WHERE id = ANY(?::bigint[]) RETURNING 1) SELECT count(*)::int AS n FROM d`, [pgArray([...ids])]);
    return rows[0]?.n ?? 0;
  }

  /**
   * Takes (deletes, inside the caller's transaction) the messages with these ids that are still
   * pending, by primary key: a writer publishes exactly what it committed without scanning the
   * table (whose dead rows, under insert/delete churn and an old snapshot elsewhere in the
   * database, can make `take`'s ordered scan cost hundreds of milliseconds).
   */
  async takeIds(sql: Sql, ids: readonly string[]): Promise<PendingOutboxMessage[]> {
    if (!ids.length) return [];
    const rows = await sql.query<{ id: string; subject: string; msg_id: string; payload: unknown }>(
      `DELETE FROM outbox WHERE id = ANY(?::bigint[]) RETURNING id, subject, msg_id, payload`,
      [pgArray([...ids])],
    );
    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => ({ id: r.id, subject: r.subject, msgId: r.msg_id, payload: r.payload }));
  }

  /**
   * Takes (locks and deletes, inside the caller's transaction) up to `limit` of the oldest pending
   * messages — with `olderThanMs`, only those written at least that long ago (the periodic sweep
   * leaves fresh messages to the writer that publishes them by id).
   */
  async take(sql: Sql, limit: number, olderThanMs = 0): Promise<PendingOutboxMessage[]> {
    const rows = await sql.query<{ id: string; subject: string; msg_id: string; payload: unknown }>(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox ${olderThanMs > 0 ? `WHERE created_at < now() - (? * interval '1 millisecond')` : ''} ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED
       ) RETURNING id, subject, msg_id, payload`,
      [...(olderThanMs > 0 ? [olderThanMs] : []), limit],
    );
    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => ({ id: r.id, subject: r.subject, msgId: r.msg_id, payload: r.payload }));
  }
}

/**
 * Pairs inserted rows (id, msg_id) with their messages. Messages sharing a msg_id (JetStream keeps
 * one of them anyway) take the ids in increasing order.
 */
function pairById(messages: readonly OutboxMessage[], rows: { id: string; msg_id: string }[]): PendingOutboxMessage[] {
  const idsByMsgId = new Map<string, string[]>();
  for (const r of [...rows].sort((a, b) => Number(a.id) - Number(b.id))) {
    const list = idsByMsgId.get(r.msg_id);
    if (list) list.push(r.id);
    else idsByMsgId.set(r.msg_id, [r.id]);
  }
  return messages.map((m) => {
    const id = idsByMsgId.get(m.msgId)?.shift();
    if (id === undefined) throw new Error(`outbox insert returned no id for message ${m.msgId}`);
    return { id, subject: m.subject, msgId: m.msgId, payload: m.payload };
  });
}
