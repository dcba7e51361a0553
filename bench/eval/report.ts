/** The suite's figures from the outcomes, and their Markdown. */
import type { RunResult } from './harness.js';

export interface Ratio {
  ok: number;
  total: number;
  /** ok / total, 0..1 (1 when total is 0). */
  rate: number;
}

const ratio = (ok: number, total: number): Ratio => ({ ok, total, rate: total ? ok / total : 1 });

export const KIND_LABELS: Record<string, string> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  number: 'number (units, words)',
  enum: 'enum (by synonym)',
  date: 'date',
  boolean: 'boolean',
  text: 'free text',
};

export interface EvalReport {
  model: string;
  today: string;
  ranAt: string;
  conversations: number;
  templates: string[];
  turns: number;
  fieldAccuracy: Ratio;
  byKind: Record<string, Ratio>;
  byLanguage: Record<string, Ratio>;
  byTemplate: Record<string, Ratio>;
  corrections: Ratio;
  invalidRefused: Ratio;
  /** Of the refused invalid values, how many the visitor was told about (the reply names the problem). */
  invalidExplained: Ratio;
  hallucinated: number;
  hallucinations: Array<{ conversation: string; field: string; got: unknown }>;
  completed: Ratio;
  /** Mean turns until every required field was valid, over the conversations that completed. */
  meanTurnsToCompletion: number | null;
  promptTokensPerTurn: { estimated: number; reported: number | null; modelCallsPerTurn: number };
  errors: Array<{ conversation: string; error: string }>;
  misses: Array<{ conversation: string; field: string; kind: string; expected: unknown; got: unknown }>;
}

function group<T>(items: T[], key: (x: T) => string, ok: (x: T) => boolean): Record<string, Ratio> {
  const out: Record<string, Ratio> = {};
  for (const x of items) {
    const k = key(x);
    const r = (out[k] ??= ratio(0, 0));
    r.total++;
    if (ok(x)) r.ok++;
  }
  for (const r of Object.values(out)) r.rate = r.total ? r.ok / r.total : 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function summarise(result: RunResult, meta: { model: string; today: string }): EvalReport {
  const o = result.outcomes;
  const fields = o.flatMap((c) => c.fields);
  const refusals = o.flatMap((c) => c.refusals);
  const completed = o.filter((c) => c.completedAt !== null);
  const p = result.prompt;
  const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    model: meta.model,
    today: meta.today,
    ranAt: new Date().toISOString(),
    conversations: o.length,
    templates: [...new Set(o.map((c) => c.template))].sort(),
    turns: p.turns,
    fieldAccuracy: ratio(fields.filter((f) => f.ok).length, fields.length),
    byKind: group(
      fields,
      (f) => f.kind,
      (f) => f.ok,
    ),
    byLanguage: group(
      fields,
      (f) => f.language,
      (f) => f.ok,
    ),
    byTemplate: group(
      fields,
      (f) => f.template,
      (f) => f.ok,
    ),
    corrections: ratio(o.flatMap((c) => c.corrections).filter((x) => x.ok).length, o.flatMap((c) => c.corrections).length),
    invalidRefused: ratio(refusals.filter((r) => r.refused).length, refusals.length),
    invalidExplained: ratio(refusals.filter((r) => r.refused && r.told).length, refusals.filter((r) => r.refused).length),
    hallucinated: o.reduce((n, c) => n + c.hallucinated.length, 0),
    hallucinations: o.flatMap((c) => c.hallucinated.map((h) => ({ conversation: c.id, ...h }))),
    completed: ratio(completed.length, o.length),
    meanTurnsToCompletion: completed.length ? round(completed.reduce((n, c) => n + c.completedAt!, 0) / completed.length, 2) : null,
    promptTokensPerTurn: {
      estimated: p.turns ? round(p.estimated / p.turns) : 0,
      reported: p.reportedCalls ? round(p.reported / p.turns) : null,
      modelCallsPerTurn: p.turns ? round(p.calls / p.turns, 2) : 0,
    },
    errors: o.filter((c) => c.error).map((c) => ({ conversation: c.id, error: c.error! })),
    misses: fields.filter((f) => !f.ok).map((f) => ({ conversation: f.conversation, field: f.field, kind: f.kind, expected: f.expected, got: f.got })),
  };
}

const pct = (r: Ratio) => `${(r.rate * 100).toFixed(1)}% (${r.ok}/${r.total})`;
const show = (v: unknown) => (v === undefined ? '—' : '`' + JSON.stringify(v).replace(/\|/g, '\\|') + '`');

export function renderMarkdown(r: EvalReport): string {
  const lines = [
    `# Extraction quality: \`${r.model}\``,
    '',
    `${r.conversations} conversations, ${r.turns} visitor turns, templates ${r.templates.join(', ')}; "today" fixed at ${r.today}; run ${r.ranAt}.`,
    '',
    '| metric | value |',
    '|---|---|',
    `| field accuracy | **${pct(r.fieldAccuracy)}** |`,
    `| hallucinated fields (a value the visitor never gave) | **${r.hallucinated}** |`,
    `| corrections honoured | ${pct(r.corrections)} |`,
    `| invalid values refused | ${pct(r.invalidRefused)} (the visitor told why: ${r.invalidExplained.ok}/${r.invalidExplained.total}) |`,
    `| conversations complete (every required field valid) | ${pct(r.completed)} |`,
    `| turns to completion (mean) | ${r.meanTurnsToCompletion ?? '—'} |`,
    `| prompt tokens per turn | ~${r.promptTokensPerTurn.estimated} estimated (chars/4)${r.promptTokensPerTurn.reported !== null ? `, ${r.promptTokensPerTurn.reported} reported by the provider` : ''}; ${r.promptTokensPerTurn.modelCallsPerTurn} model calls per turn |`,
    '',
    '| field kind | accuracy |',
    '|---|---|',
    ...Object.entries(r.byKind).map(([k, v]) => `| ${KIND_LABELS[k] ?? k} | ${pct(v)} |`),
    '',
    '| language | accuracy | | template | accuracy |',
    '|---|---|---|---|---|',
    ...zip(Object.entries(r.byLanguage), Object.entries(r.byTemplate)).map(
      ([l, t]) => `| ${l ? `${l[0]} | ${pct(l[1])}` : ' | '} | | ${t ? `${t[0]} | ${pct(t[1])}` : ' | '} |`,
    ),
    '',
  ];
  if (r.errors.length) lines.push('## Errors', '', ...r.errors.map((e) => `- ${e.conversation}: ${e.error}`), '');
  lines.push(`## Misses (${r.misses.length})`, '');
  if (r.misses.length) {
    lines.push('| conversation | field | kind | expected | got |', '|---|---|---|---|---|');
    for (const m of r.misses) lines.push(`| ${m.conversation} | ${m.field} | ${m.kind} | ${show(m.expected)} | ${show(m.got)} |`);
  } else lines.push('None.');
  lines.push('', `## Hallucinated fields (${r.hallucinated})`, '');
  if (r.hallucinations.length) lines.push(...r.hallucinations.map((h) => `- ${h.conversation}: ${h.field} = ${show(h.got)}`));
  else lines.push('None.');
  return lines.join('\n') + '\n';
}

function zip<A, B>(a: A[], b: B[]): Array<[A | undefined, B | undefined]> {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => [a[i], b[i]]);
}
