/**
 * Node: word the reply with the chat model. Each reply token goes to LangGraph's `custom` stream
 * as the model produces it (`config.writer`); only those become `token` events, so extraction
 * output never reaches the visitor. The model call stays tagged `reply` for tracing.
 */
import { BaseCallbackHandler, type NewTokenIndices } from '@langchain/core/callbacks/base';
import type { Callbacks } from '@langchain/core/callbacks/manager';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk, GenerationChunk } from '@langchain/core/outputs';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { Template } from '@chat/shared';
import { CONTEXT_PREFIX, planReply, replySystemPrompt, sessionDataMessage } from '../prompts.js';
import { nextField } from '../routing.js';
import type { IntakeStateType, IntakeUpdate } from '../state.js';

export const REPLY_TAG = 'reply';

export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c === 'string' ? c : c && typeof c === 'object' && 'text' in c ? String(c.text) : '')).join('');
  return '';
}

/** What the reply node writes to the custom stream, once per token. */
export interface ReplyToken {
  token: string;
}

export const isReplyToken = (x: unknown): x is ReplyToken => typeof x === 'object' && x !== null && typeof (x as ReplyToken).token === 'string';

/**
 * Hands each token to the writer. `lc_prefer_streaming` makes `invoke` stream any provider that
 * can; awaited (not LangChain's background queue), so every token is written before the node ends.
 */
class TokenWriter extends BaseCallbackHandler {
  name = 'reply_token_writer';
  lc_prefer_streaming = true;

  constructor(private readonly write: (chunk: ReplyToken) => void) {
    super({ _awaitHandler: true });
  }

  override handleLLMNewToken(
    token: string,
    _idx: NewTokenIndices,
    _runId: string,
    _parent?: string,
    _tags?: string[],
    fields?: { chunk?: ChatGenerationChunk | GenerationChunk },
  ) {
    const chunk = fields?.chunk as ChatGenerationChunk | undefined;
    const text = token || messageText(chunk?.message?.content);
    if (text) this.write({ token: text });
  }
}

/** The run's own callbacks (tracing) plus the token writer, for this model call only. */
function withWriter(callbacks: Callbacks | undefined, writer: TokenWriter): Callbacks {
  if (!callbacks) return [writer];
  if (Array.isArray(callbacks)) return [...callbacks, writer];
  // Inheritable: a manager passed as a call's callbacks contributes only its inheritable handlers.
  const m = callbacks.copy();
  m.addHandler(writer, true);
  return m;
}

/**
 * The visitor context (only the template's `contextKeys`) as one message of its own, quoted as
 * JSON after a fixed label: data the page supplied, kept out of the system prompt so that nothing
 * in it can pass for an instruction. The embedded model reads only the plan and ignores it.
 */
export function visitorContext(context: IntakeStateType['context']): BaseMessage[] {
  return context && Object.keys(context).length ? [new HumanMessage(`${CONTEXT_PREFIX} ${JSON.stringify(context)}`)] : [];
}

export function makeReplyNode(opts: { model: BaseChatModel; contextMessages: number }) {
  return async function reply(state: IntakeStateType, config: LangGraphRunnableConfig): Promise<IntakeUpdate> {
    const t = state.template as Template;
    // After completion the optional fields still open are offered, one a turn, in template order.
    const ask = nextField({ template: t, data: state.data, declined: state.declined, deferred: state.deferred });
    const plan = planReply(state, ask);
    const context = visitorContext(state.context);
    const system = replySystemPrompt(t, context.length > 0);
    // Right after the system prompt, where the embedded model looks for the plan (never a visitor's message).
    const session = new HumanMessage(sessionDataMessage(plan, state.data));
    const input = state.input!;
    const history: BaseMessage[] = state.history
      .slice(-opts.contextMessages)
      .map((m) => (m.role === 'user' ? new HumanMessage(m.text) : new AIMessage(m.text)));
    const messages = [new SystemMessage(system), session, ...context, ...history, new HumanMessage(input.text)];
    const promptChars = messages.reduce((n, m) => n + messageText(m.content).length, 0);
    const writer = config.writer;
    const callbacks = writer ? withWriter(config.callbacks, new TokenWriter(writer)) : config.callbacks;
    const out = await opts.model.invoke(messages, { ...config, callbacks, tags: [REPLY_TAG], signal: config.signal });
    const text = messageText(out.content).trim();
    return {
      lastReply: text,
      askedField: ask,
      // The window came from the transcript for this turn only: cleared, it never reaches the checkpoint.
      history: [],
      turns: state.turns + 1,
      promptChars,
      candidates: {},
    };
  };
}
