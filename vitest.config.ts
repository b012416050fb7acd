import { defineConfig } from 'vitest/config';

// CI asks for a JSON report too (.ci/run prints the counts from it); locally only the default one.
const reportFile = process.env.QUANTUMWALA_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // @actions/workflow-parser imports its JSON schema without import attributes.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: reportFile ? ['default', 'json'] : ['default'],
    ...(reportFile ? { outputFile: { json: reportFile } } : {}),
  },
});
