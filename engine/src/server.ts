/** Load config, build, listen; on SIGTERM/SIGINT stop accepting and close with grace. */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { installRandomPool } from './random-pool.js';
import { snapshotEnv } from './env-snapshot.js';

// Two process-wide costs LangChain pays on every runnable call, cut at the source (see each file).
installRandomPool();
snapshotEnv();

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`engine: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Running turns get SHUTDOWN_GRACE_MS to finish; this bounds anything else that hangs.
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5000);
    force.unref();
    await app.drain(config.shutdownGraceMs);
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();
