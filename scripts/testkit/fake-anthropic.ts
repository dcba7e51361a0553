/**
 * A local HTTP server that speaks Anthropic's Messages API wire format, so that @langchain/anthropic
 * (and the official @anthropic-ai/sdk under it) runs in tests on a machine without internet.
 * `POST /v1/messages`: a request with tools is answered with one `tool_use` block whose input is
 * `tool(request)`; a plain request with the text `reply(request)`. With `"stream": true` the answer is
 * the API's server-sent events, in its order: message_start, content_block_start, ping,
 * content_block_delta (text_delta, or input_json_delta pieces for a tool_use), content_block_stop,
 * message_delta (stop_reason, output usage), message_stop. Without it, one `message` JSON object.
 * Every request is recorded with its headers; `input_tokens` is reported as the prompt's chars / 4.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  stream?: boolean;
  system?: string | Array<{ type: string; text: string }>;
  messages: Array<{ role: string; content: string | Array<{ type: string; text?: string }> }>;
  tools?: Array<{ name: string; description?: string; input_schema: unknown }>;
  tool_choice?: { type: string; name?: string };
  [k: string]: unknown;
}

export interface FakeAnthropic {
  /** The base URL to give the client (ANTHROPIC_BASE_URL): the SDK appends /v1/messages. */
  url: string;
  requests: Array<{ body: MessagesRequestBody; headers: IncomingHttpHeaders; inputTokens: number }>;
  close(): Promise<void>;
}

export interface FakeAnthropicOptions {
  tool?: (req: MessagesRequestBody) => Record<string, unknown>;
  reply?: (req: MessagesRequestBody) => string;
  delayMs?: number;
}

const textOf = (c: MessagesRequestBody['messages'][number]['content'] | MessagesRequestBody['system']) =>
  typeof c === 'string' ? c : (c ?? []).map((b) => (b as { text?: string }).text ?? '').join('');

/** The last user message's text (what the visitor just said, for extraction and reply alike). */
export const lastUserText = (req: MessagesRequestBody) => textOf([...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '');

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: FakeAnthropic['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += c;
    const error = (status: number, type: string, message: string) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type, message } }));
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/messages') return error(404, 'not_found_error', 'Not found');
    if (!req.headers['x-api-key']) return error(401, 'authentication_error', 'x-api-key header is required');
    if (!req.headers['anthropic-version']) return error(400, 'invalid_request_error', 'anthropic-version header is required');
    let body: MessagesRequestBody;
    try {
      body = JSON.parse(raw) as MessagesRequestBody;
    } catch {
      return error(400, 'invalid_request_error', 'body is not JSON');
    }
    if (!body.model || !Number.isInteger(body.max_tokens) || !Array.isArray(body.messages) || !body.messages.length)
      return error(400, 'invalid_request_error', 'model, max_tokens and messages are required');
    const chars = textOf(body.system).length + body.messages.reduce((n, m) => n + textOf(m.content).length, 0);
    const inputTokens = Math.max(1, Math.ceil(chars / 4));
    requests.push({ body, headers: req.headers, inputTokens });
    const n = requests.length;
    const id = `msg_fake${String(n).padStart(6, '0')}`;
    // A forced tool (tool_choice {type: "tool"}) or any tool offered: answer with a tool call.
    const tool = body.tool_choice?.type === 'tool' ? body.tools?.find((t) => t.name === body.tool_choice!.name) : body.tools?.[0];
    const input = tool ? (opts.tool?.(body) ?? {}) : null;
    const text = tool ? '' : (opts.reply?.(body) ?? 'OK');
    const block = tool ? { type: 'tool_use', id: `toolu_fake${n}`, name: tool.name, input } : { type: 'text', text };
    const stopReason = tool ? 'tool_use' : 'end_turn';
    const outputTokens = Math.max(1, Math.ceil((tool ? JSON.stringify(input) : text).length / 4));
    const usage = { input_tokens: inputTokens, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_fake${n}` });
      res.end(
        JSON.stringify({ id, type: 'message', role: 'assistant', model: body.model, content: [block], stop_reason: stopReason, stop_sequence: null, usage }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake${n}` });
    res.write(
      sse('message_start', {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      }),
    );
    if (tool) {
      res.write(
        sse('content_block_start', {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: `toolu_fake${n}`, name: tool.name, input: {} },
        }),
      );
      res.write(sse('ping', { type: 'ping' }));
      const json = JSON.stringify(input);
      // The API sends an empty first piece, then the JSON in arbitrary cuts.
      res.write(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } }));
      for (let i = 0; i < json.length; i += 7)
        res.write(
          sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(i, i + 7) } }),
        );
    } else {
      res.write(sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      res.write(sse('ping', { type: 'ping' }));
      for (const word of text.match(/\S+\s*/g) ?? []) {
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        res.write(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: word } }));
      }
    }
    res.write(sse('content_block_stop', { type: 'content_block_stop', index: 0 }));
    res.write(sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } }));
    res.end(sse('message_stop', { type: 'message_stop' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
