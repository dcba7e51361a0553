/**
 * Node: word the reply with the chat model. Its tokens are tagged `reply`: only those become
 * `token` events (extraction output never reaches the visitor).
 */
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { Template } from '@chat/shared';
import { planReply, replySystemPrompt } from '../prompts.js';
import { nextField } from '../routing.js';
import type { IntakeStateType, IntakeUpdate } from '../state.js';

export const REPLY_TAG = 'reply';

export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((c) => (typeof c === 'string' ? c : c && typeof c === 'object' && 'text' in c ? String(c.text) : '')).join('');
  return '';
}

export function makeReplyNode(opts: { model: BaseChatModel; contextMessages: number; recentReplies: number }) {
  return async function reply(state: IntakeStateType, config: LangGraphRunnableConfig): Promise<IntakeUpdate> {
    const t = state.template as Template;
    const ask = state.status === 'complete' ? null : nextField({ template: t, data: state.data, declined: state.declined, deferred: state.deferred });
    const plan = planReply(state, ask);
    const system = replySystemPrompt(t, plan, state.data);
    const input = state.input!;
    const history: BaseMessage[] = state.messages.map((m) => (m.role === 'user' ? new HumanMessage(m.text) : new AIMessage(m.text)));
    const messages = [new SystemMessage(system), ...history, new HumanMessage(input.text)];
    const promptChars = messages.reduce((n, m) => n + messageText(m.content).length, 0);
    const out = await opts.model.invoke(messages, { ...config, tags: [REPLY_TAG], signal: config.signal });
    const text = messageText(out.content).trim();
    const window = [...state.messages, { role: 'user' as const, text: input.text }, { role: 'assistant' as const, text }];
    const recent = [
      ...state.recent,
      { id: input.id, reply: text, status: state.status, data: { data: state.data, missing: state.missing, invalid: state.invalid } },
    ];
    return {
      lastReply: text,
      askedField: ask,
      messages: window.slice(-opts.contextMessages),
      recent: recent.slice(-opts.recentReplies),
      turns: state.turns + 1,
      promptChars,
      candidates: {},
    };
  };
}
