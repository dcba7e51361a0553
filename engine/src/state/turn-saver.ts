/**
 * Makes a turn all-or-nothing and saves a round trip. Inside `runInTurn`, the checkpoint writes
 * LangGraph makes are held back until `commit()`: a turn that fails or whose client went away
 * leaves the session exactly as it was (LangGraph would otherwise persist the writes of the
 * nodes that finished). The checkpoint read during the turn's checks is reused by the run itself
 * (the turn lock guarantees nobody wrote in between).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
} from '@langchain/langgraph-checkpoint';

interface TurnScope {
  reads: Map<string, CheckpointTuple | undefined>;
  held: Array<() => Promise<unknown>>;
}

const scopeStore = new AsyncLocalStorage<TurnScope>();

const keyOf = (config: RunnableConfig) => {
  const c = config.configurable ?? {};
  return `${String(c.thread_id)}\u0000${String(c.checkpoint_ns ?? '')}\u0000${String(c.checkpoint_id ?? '')}`;
};

export interface Turn {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Write what the turn held back, in order. */
  commit(): Promise<void>;
  /** Forget it. */
  discard(): void;
}

export class TurnScopedSaver extends BaseCheckpointSaver {
  constructor(readonly inner: BaseCheckpointSaver) {
    super(inner.serde);
  }

  beginTurn(): Turn {
    const scope: TurnScope = { reads: new Map(), held: [] };
    return {
      run: (fn) => scopeStore.run(scope, fn),
      commit: async () => {
        const ops = scope.held.splice(0);
        for (const op of ops) await op();
      },
      discard: () => {
        scope.held.length = 0;
      },
    };
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const scope = scopeStore.getStore();
    if (!scope) return this.inner.getTuple(config);
    const key = keyOf(config);
    if (scope.reads.has(key)) return scope.reads.get(key);
    const tuple = await this.inner.getTuple(config);
    scope.reads.set(key, tuple);
    return tuple;
  }

  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return this.inner.list(config, options);
  }

  async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    const scope = scopeStore.getStore();
    if (!scope) return this.inner.put(config, checkpoint, metadata, newVersions);
    scope.held.push(() => this.inner.put(config, checkpoint, metadata, newVersions));
    return {
      configurable: { thread_id: config.configurable?.thread_id, checkpoint_ns: config.configurable?.checkpoint_ns ?? '', checkpoint_id: checkpoint.id },
    };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    const scope = scopeStore.getStore();
    if (!scope) return this.inner.putWrites(config, writes, taskId);
    scope.held.push(() => this.inner.putWrites(config, writes, taskId));
  }

  deleteThread(threadId: string): Promise<void> {
    return this.inner.deleteThread(threadId);
  }

  override getNextVersion(current: number | undefined): number {
    return this.inner.getNextVersion(current);
  }
}
