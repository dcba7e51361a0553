/** Node: read the candidate field values out of the visitor's message. */
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { Extractor } from '../../models/extractor.js';
import type { IntakeStateType, IntakeUpdate } from '../state.js';

export function makeExtractNode(extractor: Extractor, now: () => Date = () => new Date()) {
  return async function extract(state: IntakeStateType, config: LangGraphRunnableConfig): Promise<IntakeUpdate> {
    const text = state.input?.text ?? '';
    if (!state.template || !text.trim()) return { candidates: {}, corrected: [] };
    const out = await extractor(text, { template: state.template, askedField: state.askedField, data: state.data, now: now() }, config.signal);
    return { candidates: out.values, corrected: out.corrected };
  };
}
