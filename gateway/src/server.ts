/** Start the gateway: validated config, listen, close with grace on SIGTERM/SIGINT (@chat/shared/server). */
import { serve } from '@chat/shared/server';
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
await serve(app, config);
