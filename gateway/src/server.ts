/** Start the gateway: validated config, listen, close with grace on SIGTERM/SIGINT. */
import { loadConfig } from './config.js';
import { buildApp } from './app.js';

const { config, warnings } = (() => {
  try {
    return loadConfig();
  } catch (e) {
    console.error(`gateway: ${(e as Error).message}`);
    process.exit(1);
  }
})();

let app;
try {
  app = await buildApp(config);
} catch (e) {
  console.error(`gateway: ${(e as Error).message}`);
  process.exit(1);
}
for (const w of warnings) app.log.warn(w);
await app.listen({ port: config.port, host: config.host });

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing');
    // Running turns get SHUTDOWN_GRACE_MS to finish (drain); this bounds anything else that hangs.
    const timer = setTimeout(() => {
      app.log.warn('close did not finish after the grace period: exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 5000);
    timer.unref();
    app.drain(config.shutdownGraceMs).then(() => app.close()).then(
      () => process.exit(0),
      (e: unknown) => {
        app.log.error({ err: e }, 'close failed');
        process.exit(1);
      },
    );
  });
}
