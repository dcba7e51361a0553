/** Load config, build, listen; on SIGTERM/SIGINT stop accepting and close with grace (@chat/shared/server). */
import { serve } from '@chat/shared/server';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { installRuntimePatches } from './runtime-patches.js';

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
  const patches = installRuntimePatches();
  const app = await buildApp(config);
  if (patches.length) app.log.info({ patches }, 'runtime patches active');
  await serve(app, config);
}

void main();
