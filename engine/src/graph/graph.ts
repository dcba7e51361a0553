/**
 * The intake graph: extract → validate → reply. Exported uncompiled so that services and tests
 * compile it with the checkpointer they need.
 */
import { END, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Extractor } from '../models/extractor.js';
import { makeExtractNode } from './nodes/extract.js';
import { makeReplyNode } from './nodes/reply.js';
import { makeValidateNode } from './nodes/validate.js';
import { afterValidate } from './routing.js';
import { IntakeState } from './state.js';

export interface GraphDeps {
  model: BaseChatModel;
  extractor: Extractor;
  /** The most messages of `history` the reply node passes to the model. */
  contextMessages: number;
  maxFieldAttempts: number;
  /** The clock relative dates ("tomorrow") are read against; default the real one (the eval suite fixes it). */
  now?: () => Date;
}

export function buildGraph(deps: GraphDeps) {
  return new StateGraph(IntakeState)
    .addNode('extract', makeExtractNode(deps.extractor, deps.now))
    .addNode('validate', makeValidateNode(deps))
    .addNode('reply', makeReplyNode(deps))
    .addEdge(START, 'extract')
    .addEdge('extract', 'validate')
    .addConditionalEdges('validate', afterValidate, { reply: 'reply', __end__: END })
    .addEdge('reply', END);
}

export function compileGraph(deps: GraphDeps, checkpointer: BaseCheckpointSaver) {
  return buildGraph(deps).compile({ checkpointer });
}

export type IntakeGraph = ReturnType<typeof compileGraph>;
