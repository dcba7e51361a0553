/**
 * The embedded deterministic chat model: no key, no network, same output for the same prompt.
 * It speaks the reply plan that prompts.ts puts in the session data message, a word at a time, through
 * LangChain's streaming path, so `streamEvents` sees its tokens exactly as it sees a provider's.
 */
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readPlan } from '../graph/prompts.js';
import { messageText } from '../graph/nodes/reply.js';

export interface EmbeddedChatModelParams extends BaseChatModelParams {
  /** Pause between tokens, to make streaming visible. */
  tokenDelayMs?: number;
}

/** Split like a tokenizer would, roughly: each word with the space that follows it. */
export function tokenize(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

const FALLBACK = "Sorry, I didn't catch that. Could you say it another way?";

export class EmbeddedChatModel extends BaseChatModel {
  tokenDelayMs: number;

  constructor(params: EmbeddedChatModelParams = {}) {
    super(params);
    this.tokenDelayMs = params.tokenDelayMs ?? 0;
  }

  _llmType(): string {
    return 'embedded';
  }

  /** What the model will say for these messages. */
  replyFor(messages: BaseMessage[]): string {
    // The plan is in the first message after the system prompt (the reply node's session data), and
    // only there: a visitor's message that looks like one is never read as a plan.
    const first = messages.find((m) => m.getType() !== 'system');
    const plan = first ? readPlan(messageText(first.content)) : null;
    return plan?.suggested_reply || FALLBACK;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const tokens = tokenize(this.replyFor(messages));
    for (let i = 0; i < tokens.length; i++) {
      options.signal?.throwIfAborted();
      if (this.tokenDelayMs > 0 && i > 0) await sleep(this.tokenDelayMs, undefined, { signal: options.signal });
      const text = tokens[i] as string;
      yield new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text }) });
      await runManager?.handleLLMNewToken(text);
    }
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let text = '';
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) text += chunk.text;
    return { generations: [{ text, message: new AIMessage(text) }] };
  }
}
