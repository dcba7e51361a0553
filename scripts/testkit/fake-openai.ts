/**
 * A local HTTP server that speaks OpenAI's chat-completions wire format (streaming chunks and
 * tool calls), so that @langchain/openai itself runs in tests on a machine without internet.
 * It answers a tool request with the arguments `tool(request)` returns and a plain request with
 * the text `reply(request)` returns, streamed word by word. Every request is recorded.
 */
import { createServer, type Server } from 'node:http';

export interface ChatRequestBody {
  model: string;
  stream?: boolean;
  messages: Array<{ role: string; content: unknown }>;
  tools?: Array<{ type: string; function: { name: string; parameters: unknown } }>;
  [k: string]: unknown;
}

export interface FakeOpenAI {
  url: string;
  requests: ChatRequestBody[];
  close(): Promise<void>;
}

export interface FakeOpenAIOptions {
  tool?: (req: ChatRequestBody) => Record<string, unknown>;
  reply?: (req: ChatRequestBody) => string;
  delayMs?: number;
}

const chunk = (id: string, model: string, delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: ChatRequestBody[] = [];
  const server: Server = createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += c;
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const body = JSON.parse(raw) as ChatRequestBody;
    requests.push(body);
    const id = `chatcmpl-${requests.length}`;
    const tool = body.tools?.[0]?.function;
    if (!body.stream) {
      const message = tool
        ? {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: `call_${requests.length}`, type: 'function', function: { name: tool.name, arguments: JSON.stringify(opts.tool?.(body) ?? {}) } },
            ],
          }
        : { role: 'assistant', content: opts.reply?.(body) ?? 'OK' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created: 0,
          model: body.model,
          choices: [{ index: 0, message, finish_reason: tool ? 'tool_calls' : 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk(id, body.model, { role: 'assistant', content: '' }));
    if (tool) {
      const args = JSON.stringify(opts.tool?.(body) ?? {});
      res.write(
        chunk(id, body.model, { tool_calls: [{ index: 0, id: `call_${requests.length}`, type: 'function', function: { name: tool.name, arguments: '' } }] }),
      );
      for (let i = 0; i < args.length; i += 8) res.write(chunk(id, body.model, { tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + 8) } }] }));
      res.write(chunk(id, body.model, {}, 'tool_calls'));
    } else {
      for (const word of (opts.reply?.(body) ?? 'OK').match(/\S+\s*/g) ?? []) {
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        res.write(chunk(id, body.model, { content: word }));
      }
      res.write(chunk(id, body.model, {}, 'stop'));
    }
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}/v1`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
