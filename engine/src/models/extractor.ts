/**
 * How a turn's message becomes candidate field values: rules for the embedded model, structured
 * output against the template's JSON Schema for a real provider.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { dataSchema } from '@chat/shared';
import { extractDataMessage, extractSystemPrompt } from '../graph/prompts.js';
import { extract, type ExtractContext, type Extraction } from './extract/index.js';
import { tidyPhone } from './extract/phone.js';

export type Extractor = (text: string, ctx: ExtractContext, signal?: AbortSignal) => Promise<Extraction>;

export const ruleExtractor: Extractor = async (text, ctx) => extract(text, ctx);

export const EXTRACT_TAG = 'extract';

/** Ask the model for the fields as a tool call whose arguments follow the template's schema. */
export function structuredExtractor(model: BaseChatModel): Extractor {
  return async (text, ctx, signal) => {
    const base = dataSchema(ctx.template) as { properties: Record<string, unknown> };
    const schema = {
      type: 'object',
      properties: {
        ...base.properties,
        corrected: { type: 'array', items: { type: 'string', enum: Object.keys(ctx.template.fields) } },
      },
    };
    const structured = model.withStructuredOutput(schema, { name: 'record_fields', method: 'functionCalling' });
    const out = (await structured.invoke(
      [
        new SystemMessage(extractSystemPrompt(ctx.template, ctx.askedField, ctx.now ?? new Date())),
        new HumanMessage(extractDataMessage(ctx.data)),
        new HumanMessage(text),
      ],
      { signal, tags: [EXTRACT_TAG] },
    )) as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const [k, def] of Object.entries(ctx.template.fields)) {
      const v = out[k];
      if (v === undefined || v === null) continue;
      // "(415) 555-0134" as the model copied it: the brackets go, the digits stay (as for the embedded model).
      values[k] = def.format === 'phone' && typeof v === 'string' ? tidyPhone(v) : v;
    }
    const corrected = Array.isArray(out.corrected) ? out.corrected.filter((k): k is string => typeof k === 'string') : [];
    return { values, corrected };
  };
}
