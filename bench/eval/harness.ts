/**
 * The extraction-quality suite: runs each conversation of the dataset through the engine's graph
 * (extract → validate → reply, in process, LangGraph's MemorySaver) with a chosen model and scores
 * the final data against what the visitor actually gave. "Today" is fixed by the dataset, injected
 * as the graph's clock, so relative dates ("tomorrow") have one right answer.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemorySaver } from '@langchain/langgraph';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { Template } from '@chat/shared';
import { compileGraph } from '../../engine/src/graph/graph.js';
import type { IntakeStateType, WindowMessage } from '../../engine/src/graph/state.js';
import { messageText } from '../../engine/src/graph/nodes/reply.js';
import { fieldKind, type FieldKind } from '../../engine/src/models/extract/fields.js';
import type { ModelSetup } from '../../engine/src/models/providers.js';

export const DATASET_DIR = new URL('./dataset/', import.meta.url).pathname;

export interface Conversation {
  id: string;
  template: string;
  /** What makes it hard, for the reader of a miss. */
  note?: string;
  turns: string[];
  /** The final data a careful person would record; `null` means "must stay empty" (declined, never given). */
  expected: Record<string, unknown>;
  /** Fields the visitor corrects along the way (the expected value is the corrected one). */
  corrections?: string[];
  /** A turn (0-based) giving a value the template must refuse. */
  invalid?: Array<{ turn: number; field: string }>;
}

export interface Dataset {
  today: string;
  templates: Record<string, Template>;
  conversations: Conversation[];
}

export function loadDataset(dir = DATASET_DIR): Dataset {
  const suite = JSON.parse(readFileSync(join(dir, 'suite.json'), 'utf8')) as { today: string };
  const templates: Record<string, Template> = {};
  for (const f of readdirSync(join(dir, 'templates'))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const t = JSON.parse(readFileSync(join(dir, 'templates', f), 'utf8')) as Template;
    templates[t.id] = t;
  }
  const conversations: Conversation[] = [];
  for (const f of readdirSync(join(dir, 'conversations'))
    .filter((f) => f.endsWith('.json'))
    .sort())
    conversations.push(...(JSON.parse(readFileSync(join(dir, 'conversations', f), 'utf8')) as Conversation[]));
  for (const c of conversations) {
    const t = templates[c.template];
    if (!t) throw new Error(`${c.id}: no template ${c.template}`);
    for (const k of Object.keys(c.expected)) if (!t.fields[k]) throw new Error(`${c.id}: ${k} is no field of ${c.template}`);
  }
  return { today: suite.today, templates, conversations };
}

const norm = (s: unknown) => String(s).toLowerCase().normalize('NFC').replace(/\s+/g, ' ').trim();
const digits = (s: unknown) => String(s).replace(/\D/g, '');

/**
 * Whether a recorded value is the expected one, by field kind: names and enums ignoring case,
 * emails exactly (domain case aside), phones by their digits (a country code in front is allowed),
 * numbers numerically, free text when the expected words are in it.
 */
export function matches(kind: FieldKind, expected: unknown, got: unknown): boolean {
  if (got === undefined || got === null) return false;
  switch (kind) {
    case 'phone': {
      const [e, g] = [digits(expected), digits(got)];
      return g === e || (g.endsWith(e) && g.length - e.length <= 3) || (e.endsWith(g) && e.length - g.length <= 3 && g.length >= 9);
    }
    case 'number':
      return typeof got === 'number' && Math.abs(got - Number(expected)) < 1e-9;
    case 'boolean':
      return got === expected;
    case 'text':
      return norm(got).includes(norm(expected));
    default:
      return norm(got) === norm(expected);
  }
}

/** Counts prompt size per model call: the provider's reported input tokens when it sends them, else chars / 4. */
class PromptMeter extends BaseCallbackHandler {
  name = 'eval_prompt_meter';
  calls = 0;
  estimated = 0;
  reported = 0;
  reportedCalls = 0;
  constructor() {
    super({ _awaitHandler: true });
  }
  override handleChatModelStart(_llm: unknown, messages: BaseMessage[][]) {
    this.calls++;
    const chars = messages.flat().reduce((n, m) => n + messageText(m.content).length, 0);
    this.estimated += Math.ceil(chars / 4);
  }
  override handleLLMEnd(output: LLMResult) {
    const msg = (output.generations[0]?.[0] as { message?: { usage_metadata?: { input_tokens?: number } } } | undefined)?.message;
    const n = msg?.usage_metadata?.input_tokens ?? (output.llmOutput?.tokenUsage as { promptTokens?: number } | undefined)?.promptTokens;
    if (typeof n === 'number' && n > 1) {
      this.reported += n;
      this.reportedCalls++;
    }
  }
}

export interface FieldOutcome {
  conversation: string;
  template: string;
  language: string;
  field: string;
  kind: FieldKind;
  expected: unknown;
  got: unknown;
  ok: boolean;
}

export interface ConversationOutcome {
  id: string;
  template: string;
  language: string;
  turns: number;
  /** The turn (1-based) at which the status became complete; null if it never did. */
  completedAt: number | null;
  fields: FieldOutcome[];
  hallucinated: Array<{ field: string; got: unknown }>;
  corrections: Array<{ field: string; ok: boolean }>;
  refusals: Array<{ turn: number; field: string; refused: boolean; told: boolean }>;
  final: Record<string, unknown>;
  error?: string;
}

export interface RunOptions {
  setup: ModelSetup;
  dataset: Dataset;
  concurrency?: number;
  maxFieldAttempts?: number;
  contextMessages?: number;
  /** Only conversations whose id or template starts with this. */
  only?: string;
}

export interface RunResult {
  outcomes: ConversationOutcome[];
  prompt: { calls: number; turns: number; estimated: number; reported: number; reportedCalls: number };
}

export async function runSuite(opts: RunOptions): Promise<RunResult> {
  const { dataset, setup } = opts;
  const now = new Date(`${dataset.today}T12:00:00Z`);
  const graph = compileGraph(
    {
      model: setup.model,
      extractor: setup.extractor,
      contextMessages: opts.contextMessages ?? 4,
      maxFieldAttempts: opts.maxFieldAttempts ?? 3,
      now: () => now,
    },
    new MemorySaver(),
  );
  const meter = new PromptMeter();
  let turnsRun = 0;
  const list = dataset.conversations.filter((c) => !opts.only || c.id.startsWith(opts.only) || c.template.startsWith(opts.only));
  const outcomes: ConversationOutcome[] = new Array(list.length);

  const runOne = async (c: Conversation): Promise<ConversationOutcome> => {
    const template = dataset.templates[c.template]!;
    const language = template.assistant?.language ?? 'en';
    const config = { configurable: { thread_id: `eval-${c.id}` }, callbacks: [meter] };
    const history: WindowMessage[] = [];
    let state: IntakeStateType | null = null;
    let completedAt: number | null = null;
    const refusals: ConversationOutcome['refusals'] = [];
    let error: string | undefined;
    try {
      for (let i = 0; i < c.turns.length; i++) {
        const text = c.turns[i]!;
        const before: Record<string, unknown> = state?.data ?? {};
        state = (await graph.invoke({ input: { id: `m${i}`, text }, history: history.slice(), ...(i === 0 ? { template } : {}) }, config)) as IntakeStateType;
        turnsRun++;
        history.push({ role: 'user', text }, { role: 'assistant', text: state.lastReply });
        if (completedAt === null && state.status === 'complete') completedAt = i + 1;
        for (const r of c.invalid ?? [])
          if (r.turn === i)
            refusals.push({ turn: i, field: r.field, refused: state.data[r.field] === before[r.field], told: state.invalid.some((x) => x.field === r.field) });
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const final = state?.data ?? {};
    const fields: FieldOutcome[] = Object.entries(c.expected).map(([field, expected]) => {
      const kind = fieldKind(field, template.fields[field]!);
      const got = final[field];
      const ok = expected === null ? got === undefined || got === null : matches(kind, expected, got);
      return { conversation: c.id, template: c.template, language, field, kind, expected, got, ok };
    });
    const hallucinated = Object.entries(final)
      .filter(([k, v]) => v !== undefined && v !== null && (c.expected[k] === undefined || c.expected[k] === null))
      .map(([field, got]) => ({ field, got }));
    const corrections = (c.corrections ?? []).map((field) => ({ field, ok: fields.find((f) => f.field === field)?.ok ?? false }));
    return {
      id: c.id,
      template: c.template,
      language,
      turns: c.turns.length,
      completedAt,
      fields,
      hallucinated,
      corrections,
      refusals,
      final,
      ...(error ? { error } : {}),
    };
  };

  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      outcomes[i] = await runOne(list[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker));
  return {
    outcomes,
    prompt: { calls: meter.calls, turns: turnsRun, estimated: meter.estimated, reported: meter.reported, reportedCalls: meter.reportedCalls },
  };
}
