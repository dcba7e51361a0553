/**
 * The in-memory checkpointer: LangGraph's own MemorySaver. State dies with the process, so it is
 * for trying the engine without Redis only (one replica, no restarts).
 */
import { MemorySaver } from '@langchain/langgraph-checkpoint';

export function createMemorySaver(): MemorySaver {
  return new MemorySaver();
}
