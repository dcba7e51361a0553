/** MODEL=… → a LangChain chat model and the matching extractor. */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { EngineConfig } from '../config.js';
import { EmbeddedChatModel } from './embedded.js';
import { ruleExtractor, structuredExtractor, type Extractor } from './extractor.js';

export interface ModelSetup {
  model: BaseChatModel;
  extractor: Extractor;
  name: string;
}

export async function createModel(config: EngineConfig): Promise<ModelSetup> {
  const [provider, ...rest] = config.model.split(':');
  const name = rest.join(':');
  if (provider === 'openai') {
    const { ChatOpenAI } = await import('@langchain/openai');
    const model = new ChatOpenAI({
      model: name,
      apiKey: config.openaiApiKey ?? 'not-needed',
      // No `streaming` flag: the reply streams anyway (the reply node's token writer asks for it),
      // while `streaming: true` would make every other call stream and then estimate its usage with
      // tiktoken, whose encodings are downloaded at run time (a hang on a machine without internet);
      // `streaming: false` would forbid streaming altogether (disableStreaming).
      maxRetries: 1,
      maxTokens: config.maxReplyTokens,
      ...(config.openaiBaseUrl ? { configuration: { baseURL: config.openaiBaseUrl } } : {}),
    });
    return { model, extractor: structuredExtractor(model), name: config.model };
  }
  if (provider === 'anthropic') {
    const { ChatAnthropic } = await import('@langchain/anthropic');
    const model = new ChatAnthropic({
      model: name,
      apiKey: config.anthropicApiKey,
      maxRetries: 1,
      maxTokens: config.maxReplyTokens,
      // The client also reads ANTHROPIC_BASE_URL itself; passing it makes the engine's config the one source.
      ...(config.anthropicBaseUrl ? { anthropicApiUrl: config.anthropicBaseUrl } : {}),
    });
    return { model, extractor: structuredExtractor(model), name: config.model };
  }
  return { model: new EmbeddedChatModel({ tokenDelayMs: config.embeddedTokenDelayMs }), extractor: ruleExtractor, name: 'embedded' };
}
