/** Progress figures of an ingestion job, for the progress bar and the counts. */
export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Percentage of the file read (0–100, whole), or null while the size is unknown. A completed job is 100. */
export function progressPercent(status: JobStatus, bytesRead: number, bytesTotal: number | null): number | null {
  if (status === 'completed') return 100;
  if (bytesTotal === null || bytesTotal <= 0) return null;
  return Math.max(0, Math.min(100, Math.floor((bytesRead * 100) / bytesTotal)));
}

/** A duration in seconds as "1 h 02 min", "3 min 05 s" or "42 s" (the same in French and English). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(rest).padStart(2, '0')} s`;
  return `${rest} s`;
}

/**
 * The column names of a CSV header line (the first line of the file), for checking a mapping
 * against the file before uploading it. The delimiter is the first of `,`, `;`, tab, `|` found
 * outside quotes; quoted names may hold the delimiter and doubled quotes.
 */
export function csvHeaderColumns(text: string): string[] {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)[0] ?? '';
  if (firstLine.trim() === '') return [];
  let delimiter = ',';
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && [',', ';', '\t', '|'].includes(ch)) {
      delimiter = ch;
      break;
    }
  }
  const columns: string[] = [];
  let current = '';
  quoted = false;
  for (let i = 0; i < firstLine.length; i++) {
    const ch = firstLine[i];
    if (quoted) {
      if (ch === '"' && firstLine[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      columns.push(current.trim());
      current = '';
    } else current += ch;
  }
  columns.push(current.trim());
  return columns;
}

/** The format the gateway would guess from a file name, or null when it must be chosen. */
export function formatFromFileName(name: string): 'csv' | 'json' | 'ndjson' | null {
  const ext = /\.([A-Za-z]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') return 'json';
  return null;
}
