/**
 * The leads export (`GET …/submissions/export?format=csv|ndjson`) as a byte stream that pulls the
 * submissions only as fast as the reader takes them: nothing is buffered beyond the stream's
 * high-water mark, whatever the count. Destroying the stream (the client went away) ends the
 * iteration (`return()`), so the store stops reading too.
 *
 * CSV: RFC 4180 (CRLF line ends, a header row, a field quoted when it holds a comma, a quote, CR
 * or LF, quotes doubled). Columns: the template's field names in template order, then the
 * metadata, then the visitor context. A text cell starting with `=`, `+`, `-`, `@`, tab or CR gets
 * a leading `'` so a spreadsheet shows it as text instead of running it as a formula (OWASP's
 * advice on CSV injection); JSON numbers are written as they are, negative ones included.
 * NDJSON: one Submission JSON per line.
 */
import { Readable } from 'node:stream';
import type { Submission } from '@chat/shared';

export type ExportFormat = 'csv' | 'ndjson';

export const METADATA_COLUMNS = ['id', 'sessionId', 'status', 'siteId', 'templateId', 'templateVersion', 'createdAt', 'completedAt', 'updatedAt'] as const;
export const CONTEXT_COLUMNS = ['context.url', 'context.referrer', 'context.language', 'context.attributes'] as const;

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field from any JSON value: text neutralised against formulas, then quoted if needed. */
export function csvCell(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') text = String(value);
  else {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
    if (FORMULA_START.test(text)) text = `'${text}`;
  }
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const row = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

export function csvHeader(fieldNames: string[]): string {
  return row([...fieldNames, ...METADATA_COLUMNS, ...CONTEXT_COLUMNS]);
}

export function csvRow(s: Submission, fieldNames: string[]): string {
  const ctx = s.context ?? {};
  const attrs = ctx.attributes && Object.keys(ctx.attributes).length ? JSON.stringify(ctx.attributes) : undefined;
  return row([
    ...fieldNames.map((f) => (Object.hasOwn(s.data ?? {}, f) ? s.data[f] : undefined)),
    ...METADATA_COLUMNS.map((c) => s[c]),
    ctx.url,
    ctx.referrer,
    ctx.language,
    attrs,
  ]);
}

// Lines are gathered into chunks of about this size: fewer, larger writes than one per lead.
const CHUNK_BYTES = 16 * 1024;

async function* lines(items: AsyncIterable<Submission>, format: ExportFormat, fieldNames: string[]): AsyncGenerator<string> {
  let chunk = format === 'csv' ? csvHeader(fieldNames) : '';
  for await (const s of items) {
    chunk += format === 'csv' ? csvRow(s, fieldNames) : `${JSON.stringify(s)}\n`;
    if (chunk.length >= CHUNK_BYTES) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * A Readable of the export (UTF-8 bytes). It reads `items` only when the stream is read, so a slow
 * client holds at most a high-water mark of it in memory.
 */
export function exportSubmissions(items: AsyncIterable<Submission>, format: ExportFormat, fieldNames: string[]): Readable {
  if (format !== 'csv' && format !== 'ndjson') throw new TypeError(`unknown export format: ${String(format)}`);
  return Readable.from(lines(items, format, [...fieldNames]), { objectMode: false, highWaterMark: 64 * 1024 });
}
