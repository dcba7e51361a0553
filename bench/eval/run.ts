/**
 * `npm run eval [-- --model embedded|openai:<m>|anthropic:<m>] [--out bench/results/eval] [--only <prefix>] [--concurrency N]`
 *
 * Runs the extraction-quality dataset through the engine's graph with the chosen model (provider
 * settings from the usual environment: OPENAI_BASE_URL, OPENAI_API_KEY, ANTHROPIC_BASE_URL,
 * ANTHROPIC_API_KEY), prints the figures and writes `<out>.json` and `<out>.md`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../engine/src/config.js';
import { createModel } from '../../engine/src/models/providers.js';
import { loadDataset, runSuite } from './harness.js';
import { renderMarkdown, summarise } from './report.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'embedded' },
    out: { type: 'string', default: 'bench/results/eval' },
    only: { type: 'string' },
    concurrency: { type: 'string' },
  },
});

const model = args.model!;
// The engine's own config rules (and defaults): the key is irrelevant in process.
const config = loadConfig({ ...process.env, ENGINE_KEY: process.env.ENGINE_KEY || 'eval-not-a-service-key', MODEL: model });
const setup = await createModel(config);
const dataset = loadDataset();
const started = performance.now();
const result = await runSuite({
  setup,
  dataset,
  only: args.only,
  concurrency: Number(args.concurrency ?? (model === 'embedded' ? 1 : 4)),
  maxFieldAttempts: config.maxFieldAttempts,
  contextMessages: config.contextMessages,
});
const report = summarise(result, { model, today: dataset.today });
const md = renderMarkdown(report);
mkdirSync(dirname(args.out!), { recursive: true });
writeFileSync(`${args.out}.json`, JSON.stringify(report, null, 2) + '\n');
writeFileSync(`${args.out}.md`, md);
process.stdout.write(md.split('\n## Misses')[0]!);
console.log(
  `\n${report.misses.length} misses, ${report.hallucinated} hallucinated; ${((performance.now() - started) / 1000).toFixed(1)} s. Written: ${args.out}.json, ${args.out}.md`,
);
