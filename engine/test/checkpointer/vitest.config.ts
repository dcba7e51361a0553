// Only the LangGraph conformance spec runs under vitest; tap owns every *.test.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['*.spec.ts'],
    globals: true,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
