import { pgArray, Sql } from '../sql/ontology-database';

export interface OutboxMessage {
  subject: string;
  msgId: string;
  payload: unknown;
  /**
   * `JSON.stringify(payload)`, when whoever built the message already has it (the ingest path's
   * `records.changed` pages are encoded once: sized, stored in the outbox and published from this
   * text). Must be exactly that text: it is what JetStream receives.
   */
  json?: string;
}

/** The message's payload as JSON text: the text it carries, else `JSON.stringify(payload)` (`null` for none, as nats' JSONCodec). */
export function messageJson(message: OutboxMessage): string {
  return message.json ?? JSON.stringify(message.payload === undefined ? null : message.payload);
}

export interface PendingOutboxMessage extends OutboxMessage {
  /** The outbox row holding the message (several messages share one row when they were bundled). */
  id: string;
}

/**
 * Subject of an outbox row that holds many messages as jsonb (`{ tenant, messages: OutboxMessage[] }`),
 * as releases before the text bundle wrote them: never published as such, expanded when taken.
 */
export const OUTBOX_BUNDLE_SUBJECT = 'ontology.internal.outbox-bundle';

/**
 * Subject of an outbox row that holds many messages as JSON TEXT (`addBundle`): payload
 * `{ tenant, messagesJson }`, the messages (`{ subject, msgId, payload }[]`) in a jsonb string, so
 * PostgreSQL stores the text without parsing it into jsonb (it is only read back after a failed
 * publish or a crash). A subject of its own, not the jsonb bundle's: a release that does not know
 * it (a rollback) cannot mistake it for an empty jsonb bundle and delete its messages unpublished —
 * it tries to publish it as is, fails, and leaves it in the outbox (see the CHANGELOG's upgrade note).
 */
export const OUTBOX_TEXT_BUNDLE_SUBJECT = 'ontology.internal.outbox-bundle-text';

interface OutboxRow {
  id: string;
  subject: string;
  msg_id: string;
  payload: unknown;
}

/** Rows → messages, bundles expanded (in order), each message carrying its row's id. */
function expand(rows: OutboxRow[]): PendingOutboxMessage[] {
  const out: PendingOutboxMessage[] = [];
  for (const r of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
    if (r.subject === OUTBOX_TEXT_BUNDLE_SUBJECT || r.subject === OUTBOX_BUNDLE_SUBJECT) {
      const bundle = r.payload as { messages?: OutboxMessage[]; messagesJson?: string };
      const messages = r.subject === OUTBOX_TEXT_BUNDLE_SUBJECT ? (JSON.parse(bundle.messagesJson ?? '') as OutboxMessage[]) : (bundle.messages ?? []);
      for (const m of messages) out.push({ id: r.id, subject: m.subject, msgId: m.msgId, payload: m.payload });
    } else out.push({ id: r.id, subject: r.subject, msgId: r.msg_id, payload: r.payload });
  }
  return out;
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
   * Appends many messages as ONE outbox row (a bundle: one row written and deleted instead of one
   * per message — the ingest hot path writes a thousand events per batch); returns each message
   * with that row's id, for the caller to publish from memory and then `remove`. A bundle left
   * behind (failed publish, crash) is expanded by `take`/`takeIds` like any other row.
   */
  async addBundle(sql: Sql, tenant: string, bundleId: string, messages: readonly OutboxMessage[]): Promise<PendingOutboxMessage[]> {
    if (!messages.length) return [];
    // Each payload encoded once (or taken as the builder encoded it): the same text goes into the
    // bundle and, returned with the message, to JetStream.
    const encoded = messages.map((m) => ({ subject: m.subject, msgId: m.msgId, payload: m.payload, json: messageJson(m) }));
    let text = '';
    for (const m of encoded) text += `${text ? ',' : '['}{"subject":${JSON.stringify(m.subject)},"msgId":${JSON.stringify(m.msgId)},"payload":${m.json}}`;
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO outbox (subject, msg_id, payload) VALUES (?, ?, jsonb_build_object('tenant', ?::text, 'messagesJson', ?::text)) RETURNING id::text AS id`,
      [OUTBOX_TEXT_BUNDLE_SUBJECT, bundleId, tenant, `${text}]`],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error(`outbox insert returned no id for bundle ${bundleId}`);
    return encoded.map((m) => ({ id, ...m }));
  }

  /** Deletes published messages by id (one statement, no payload read back). */
  async remove(sql: Sql, ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    const rows = await sql.query<{ n: number }>(`WITH d AS (DELETE FROM outbox WHERE id = ANY(?::bigint[]) RETURNING 1) SELECT count(*)::int AS n FROM d`, [pgArray([...new Set(ids)])]);
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
    const rows = await sql.query<OutboxRow>(`DELETE FROM outbox WHERE id = ANY(?::bigint[]) RETURNING id::text AS id, subject, msg_id, payload`, [pgArray([...new Set(ids)])]);
    return expand(rows);
  }

  /**
   * Takes (locks and deletes, inside the caller's transaction) up to `limit` of the oldest pending
   * messages — with `olderThanMs`, only those written at least that long ago (the periodic sweep
   * leaves fresh messages to the writer that publishes them by id).
   */
  async take(sql: Sql, limit: number, olderThanMs = 0): Promise<PendingOutboxMessage[]> {
    const rows = await sql.query<OutboxRow>(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox ${olderThanMs > 0 ? `WHERE created_at < now() - (? * interval '1 millisecond')` : ''} ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED
       ) RETURNING id::text AS id, subject, msg_id, payload`,
      [...(olderThanMs > 0 ? [olderThanMs] : []), limit],
    );
    return expand(rows);
  }
}
