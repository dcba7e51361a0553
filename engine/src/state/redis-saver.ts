/**
 * A LangGraph checkpointer on plain Redis 7 commands (no RedisJSON, no RediSearch), for a single
 * node-redis v5 client or a cluster client.
 *
 * - Every operation the graph runs per turn (getTuple, put, putWrites) is one EVALSHA: one round
 *   trip, atomic, no KEYS or SCAN. Only `list` without a thread_id scans (it is not hot).
 * - Channel values are stored once per (channel, version), as LangGraph's Postgres saver does, so
 *   a checkpoint stores only the channels that changed and reads the rest from its ancestors' blobs.
 * - Each namespace keeps the latest `keepLatest` checkpoints; put trims the rest, their writes and
 *   the blobs no kept checkpoint reads, and refreshes the TTL of every key of the thread.
 * - Values are stored as bytes (a Redis string is binary safe): `<serde type>\n<serde bytes>`.
 *   Replies are read as Buffers, not strings, because the serde may emit raw bytes (a Uint8Array
 *   channel value) that a UTF-8 round trip would corrupt; base64 would cost a third more memory.
 */
import {
  BaseCheckpointSaver,
  TASKS,
  WRITES_IDX_MAP,
  compareWritesSortKeys,
  copyCheckpoint,
  getCheckpointId,
  maxChannelVersion,
  writesSortKey,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type { RunnableConfig } from '@langchain/core/runnables';
import { RESP_TYPES } from 'redis';
import { runScript, type LuaScript } from '@chat/shared/server';
import { DELETE_THREAD, GET, LIST, PUT, PUT_WRITES } from './redis-saver-scripts.js';

type Arg = string | Buffer;
/** The saver's scripts run on a view of the client whose replies are Buffers (same shape on a client and a cluster). */
interface BinaryReplies {
  withTypeMapping(mapping: { [RESP_TYPES.BLOB_STRING]: BufferConstructor }): object;
}
interface ScanClient {
  scanIterator(options: { MATCH: string; TYPE: string; COUNT: number }): AsyncIterable<string[]>;
}
interface ClusterNodes {
  masters: readonly unknown[];
  nodeClient(node: never): Promise<ScanClient>;
}
/**
 * What the saver needs of a node-redis v5 connection: `createClient()` and `createCluster()`
 * results both fit, created with SAVER_SCRIPTS (redis-saver-scripts.ts) in their `scripts`. Structural, because their generic types differ with modules and RESP version.
 */
export type RedisSaverClient = BinaryReplies & (ScanClient | ClusterNodes);

export interface RedisSaverOptions {
  client: RedisSaverClient;
  /** Every key of a thread expires this long after its last checkpoint; 0: never. */
  ttlSeconds?: number;
  /** Checkpoints kept per thread and namespace (older ones, their writes and blobs are deleted). */
  keepLatest?: number;
  /** Key prefix, so several savers (or apps) can share one Redis. */
  prefix?: string;
  serde?: SerializerProtocol;
}

const NL = 0x0a;
const frame = (header: string, body: Uint8Array): Buffer => Buffer.concat([Buffer.from(header), Buffer.from([NL]), body]);
const unframe = (buf: Buffer): [string, Buffer] => {
  const at = buf.indexOf(NL);
  return [buf.subarray(0, at).toString(), buf.subarray(at + 1)];
};
/** Names inside keys are percent-encoded so `{`, `}`, `:` and `,` in ids cannot break the layout. */
const enc = encodeURIComponent;
const escapeGlob = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

type Row = [Buffer, Buffer, Buffer, Buffer, Buffer, (Buffer | null)[], Buffer[]];

export class RedisSaver extends BaseCheckpointSaver {
  readonly ttlSeconds: number;
  readonly keepLatest: number;
  readonly prefix: string;
  private readonly client: RedisSaverClient;
  private readonly bin: object;

  constructor({ client, ttlSeconds = 86400, keepLatest = 3, prefix = 'lg', serde }: RedisSaverOptions) {
    super(serde);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0) throw new RangeError(`ttlSeconds must be an integer >= 0, got ${ttlSeconds}`);
    if (!Number.isInteger(keepLatest) || keepLatest < 1) throw new RangeError(`keepLatest must be an integer >= 1, got ${keepLatest}`);
    if (!prefix || /[{}]/.test(prefix)) throw new RangeError(`prefix must be non-empty and free of braces, got "${prefix}"`);
    this.client = client;
    this.ttlSeconds = ttlSeconds;
    this.keepLatest = keepLatest;
    this.prefix = prefix;
    this.bin = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  }

  /** `<prefix>:{<thread>}`: the hash tag that keeps a thread in one cluster slot. */
  threadBase(threadId: string): string {
    return `${this.prefix}:{${enc(threadId)}}`;
  }

  private keys(threadId: string, ns: string) {
    const base = this.threadBase(threadId);
    const pre = `${base}:${enc(ns)}:`;
    return {
      base,
      pre,
      registry: `${base}:keys`,
      nss: `${base}:nss`,
      idx: `${pre}idx`,
      blobs: `${pre}blobs`,
      cp: (id: string) => `${pre}cp:${id}`,
      writes: (id: string) => `${pre}w:${id}`,
    };
  }

  private run(script: LuaScript, keys: string[], args: Arg[]): Promise<unknown> {
    return runScript(this.bin, script, keys, args);
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = threadOf(config);
    if (threadId === undefined) return undefined;
    const ns = config.configurable?.checkpoint_ns ?? '';
    return this.load(threadId, ns, getCheckpointId(config) ?? '');
  }

  private async load(threadId: string, ns: string, id: string): Promise<CheckpointTuple | undefined> {
    const k = this.keys(threadId, ns);
    const row = (await this.run(GET, [k.idx], [k.pre, id])) as Row | null;
    if (!row) return undefined;
    const [idBuf, cpBuf, mdBuf, parentBuf, refsBuf, blobValues, writeFields] = row;
    const checkpointId = idBuf.toString();
    const parentId = parentBuf.toString() || undefined;
    const checkpoint = (await this.serde.loadsTyped(...unframe(cpBuf))) as Checkpoint;
    const channelValues: Record<string, unknown> = {};
    const refs = refsBuf.toString().split(',').filter(Boolean);
    for (const [i, field] of refs.entries()) {
      const blob = blobValues[i];
      if (!blob) continue;
      const [type, bytes] = unframe(blob);
      if (type === 'empty') continue;
      channelValues[decodeURIComponent(field.slice(0, field.indexOf(':')))] = await this.serde.loadsTyped(type, bytes);
    }
    checkpoint.channel_values = channelValues;
    if (checkpoint.v < 4 && parentId !== undefined) await this.migratePendingSends(checkpoint, threadId, ns, parentId);
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } },
      checkpoint,
      metadata: (await this.serde.loadsTyped(...unframe(mdBuf))) as CheckpointMetadata,
      pendingWrites: await this.decodeWrites(writeFields),
    };
    if (parentId !== undefined) tuple.parentConfig = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: parentId } };
    return tuple;
  }

  /** Writes come back in LangGraph's replay order (task path, task id, index). */
  private async decodeWrites(flat: Buffer[]): Promise<CheckpointPendingWrite[]> {
    const rows: { key: ReturnType<typeof writesSortKey>; taskId: string; channel: string; type: string; bytes: Buffer }[] = [];
    for (let i = 1; i < flat.length; i += 2) {
      const [header, bytes] = unframe(flat[i]!);
      const [taskId, channel, type, taskPath, idx] = JSON.parse(header) as [string, string, string, string, number];
      rows.push({ key: writesSortKey(taskPath, taskId, idx), taskId, channel, type, bytes });
    }
    rows.sort((a, b) => compareWritesSortKeys(a.key, b.key));
    return Promise.all(rows.map(async (r): Promise<CheckpointPendingWrite> => [r.taskId, r.channel, await this.serde.loadsTyped(r.type, r.bytes)]));
  }

  /** Checkpoints before v4 kept pending sends in the parent's TASKS writes (rare: costs one more trip). */
  private async migratePendingSends(checkpoint: Checkpoint, threadId: string, ns: string, parentId: string): Promise<void> {
    const parent = await this.load(threadId, ns, parentId);
    const sends = (parent?.pendingWrites ?? []).filter(([, channel]) => channel === TASKS).map(([, , value]) => value);
    checkpoint.channel_values[TASKS] = sends;
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }

  override async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { before, filter } = options;
    let limit = options.limit;
    const threadId = threadOf(config);
    const ns: string | undefined = config.configurable?.checkpoint_ns;
    const onlyId = getCheckpointId(config) || undefined;
    const beforeId: string = before?.configurable?.checkpoint_id ?? '';
    const threads = threadId !== undefined ? [threadId] : await this.threadIds();
    const candidates: { threadId: string; ns: string; id: string }[] = [];
    for (const t of threads) {
      const k = this.keys(t, ns ?? '');
      const out = (await this.run(LIST, [k.nss], [k.base, ns === undefined ? '' : enc(ns), ns === undefined ? '0' : '1', beforeId])) as (Buffer | Buffer[])[];
      for (let i = 0; i < out.length; i += 2) {
        const cpNs = decodeURIComponent((out[i] as Buffer).toString());
        for (const id of out[i + 1] as Buffer[]) candidates.push({ threadId: t, ns: cpNs, id: id.toString() });
      }
    }
    // Newest first across threads and namespaces (ids are time-ordered uuid6).
    candidates.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    for (const c of candidates) {
      if (limit !== undefined && limit <= 0) return;
      if (onlyId !== undefined && c.id !== onlyId) continue;
      const tuple = await this.load(c.threadId, c.ns, c.id);
      if (!tuple) continue; // trimmed or expired between the index read and the load
      const metadata = (tuple.metadata ?? {}) as Record<string, unknown>;
      if (filter && !Object.entries(filter).every(([key, value]) => metadata[key] === value)) continue;
      if (limit !== undefined) limit -= 1;
      yield tuple;
    }
  }

  /** Thread ids from their `nss` keys: SCAN on every master (only `list` without a thread_id). */
  private async threadIds(): Promise<string[]> {
    const head = `${this.prefix}:{`;
    const match = `${escapeGlob(head)}*}:nss`;
    const nodes: ScanClient[] = [];
    if ('masters' in this.client) {
      for (const m of this.client.masters) nodes.push(await this.client.nodeClient(m as never));
    } else nodes.push(this.client);
    const ids = new Set<string>();
    for (const node of nodes) {
      for await (const batch of node.scanIterator({ MATCH: match, TYPE: 'set', COUNT: 1000 })) {
        for (const key of batch) ids.add(decodeURIComponent(key.slice(head.length, -'}:nss'.length)));
      }
    }
    return [...ids];
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    const threadId = threadOf(config);
    if (threadId === undefined) throw new Error('RedisSaver.put: config.configurable.thread_id is required');
    const ns: string = config.configurable?.checkpoint_ns ?? '';
    const parentId: string = config.configurable?.checkpoint_id ?? '';
    const k = this.keys(threadId, ns);
    const { channel_values: values, ...rest } = copyCheckpoint(checkpoint);
    const field = (channel: string, version: unknown) => `${enc(channel)}:${enc(String(version))}`;
    const refs = Object.entries(checkpoint.channel_versions)
      .map(([ch, v]) => field(ch, v))
      .join(',');
    const blobArgs: Buffer[] = [];
    for (const [ch, version] of Object.entries(newVersions)) {
      // A channel with a new version but no value (cleared) is stored as 'empty', as Postgres does.
      const [type, bytes] = ch in values ? await this.serde.dumpsTyped(values[ch]) : ['empty', new Uint8Array()];
      blobArgs.push(Buffer.from(field(ch, version)), frame(type, bytes));
    }
    const [cpType, cpBytes] = await this.serde.dumpsTyped(rest);
    const [mdType, mdBytes] = await this.serde.dumpsTyped(metadata);
    await this.run(
      PUT,
      [k.registry, k.nss, k.idx, k.blobs, k.cp(checkpoint.id), k.writes(checkpoint.id)],
      [
        k.pre,
        enc(ns),
        checkpoint.id,
        parentId,
        frame(cpType, cpBytes),
        frame(mdType, mdBytes),
        refs,
        String(this.ttlSeconds),
        String(this.keepLatest),
        ...blobArgs,
      ],
    );
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    const threadId = threadOf(config);
    const checkpointId: string | undefined = config.configurable?.checkpoint_id;
    if (threadId === undefined) throw new Error('RedisSaver.putWrites: config.configurable.thread_id is required');
    if (!checkpointId) throw new Error('RedisSaver.putWrites: config.configurable.checkpoint_id is required');
    const k = this.keys(threadId, config.configurable?.checkpoint_ns ?? '');
    const args: Arg[] = [String(this.ttlSeconds)];
    for (const [i, [channel, value]] of writes.entries()) {
      const idx = WRITES_IDX_MAP[channel] || i;
      const [type, bytes] = await this.serde.dumpsTyped(value);
      args.push(idx >= 0 ? 'nx' : 'set', JSON.stringify([taskId, idx]), frame(JSON.stringify([taskId, channel, type, taskPath, idx]), bytes));
    }
    await this.run(PUT_WRITES, [k.registry, k.writes(checkpointId)], args);
  }

  override async deleteThread(threadId: string): Promise<void> {
    await this.run(DELETE_THREAD, [this.keys(String(threadId), '').registry], []);
  }
}

function threadOf(config: RunnableConfig): string | undefined {
  const id: unknown = config.configurable?.thread_id;
  return id === undefined || id === null || id === '' ? undefined : String(id);
}
