/**
 * `npm run mutation [-- <module>…]`: StrykerJS over the modules of `modules.ts`, one module at a time, with
 * one test runner process (the machine has two shared cores), incremental results kept per module under
 * `test/mutation/incremental/` and an HTML report under `reports/mutation/`. Prints the score per module.
 *
 * Not part of `npm test` or CI: a full first run takes tens of minutes; later runs re-test only what changed.
 * `--force` ignores the incremental file; `--concurrency=<n>` raises the number of runner processes.
 */
import { relative } from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import { MODULES, type MutationModuleName } from './modules.js';

const args = process.argv.slice(2);
const force = args.includes('--force');
const concurrency = Number(args.find((a) => a.startsWith('--concurrency='))?.split('=')[1] ?? 1);
// `--mutate x` and `--mutate=x`; the value of the first form is not a module name.
const narrowed: string[] = [];
const named: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--mutate') narrowed.push(args[++i] ?? '');
  else if (a.startsWith('--mutate=')) narrowed.push(a.slice('--mutate='.length));
  else if (!a.startsWith('--')) named.push(a);
}
const unknown = named.filter((n) => !(n in MODULES));
if (unknown.length > 0) {
  console.error(`Unknown module ${unknown.join(', ')}; known: ${Object.keys(MODULES).join(', ')}`);
  process.exit(2);
}
const names = (
  named.length > 0
    ? named
    : Object.entries(MODULES)
        .filter(([, m]) => !('optIn' in m))
        .map(([n]) => n)
) as MutationModuleName[];

if (narrowed.length > 0) {
  const module = names.length === 1 ? MODULES[names[0]!] : undefined;
  if (module === undefined) {
    console.error('--mutate narrows one module: name exactly one');
    process.exit(2);
  }
  // Only the module's own files: its tests and incremental file are chosen for them.
  const outside = narrowed.filter((m) => !(module.mutate as readonly string[]).includes(m.replace(/:[\d-]+$/, '')));
  if (outside.length > 0) {
    console.error(`--mutate ${outside.join(', ')} is not a file of ${names[0]}: ${module.mutate.join(', ')}`);
    process.exit(2);
  }
}

/** `killed ÷ (killed + survived + not covered)`, time-outs counted as killed, as one line. */
function scoreLine(label: string, results: readonly { status: string }[]): string {
  const killed = results.filter((r) => r.status === 'Killed' || r.status === 'Timeout').length;
  const survived = results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage').length;
  const score = killed + survived === 0 ? 100 : (100 * killed) / (killed + survived);
  return `${label}: ${score.toFixed(2)} % (${killed} killed, ${survived} survived or not covered)`;
}

const scores: string[] = [];
for (const name of names) {
  const module = MODULES[name];
  process.env.TICKWORK_MUTATION_TESTS = module.tests.join(',');
  if ('env' in module) Object.assign(process.env, module.env);
  const stryker = new Stryker({
    mutate: narrowed.length > 0 ? narrowed : [...module.mutate],
    testRunner: 'vitest',
    vitest: { configFile: 'test/mutation/vitest.config.ts', related: true },
    coverageAnalysis: 'perTest',
    concurrency,
    incremental: true,
    force,
    incrementalFile: `test/mutation/incremental/${name}.json`,
    reporters: ['html', 'clear-text', 'progress'],
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    // Room for a loaded machine; a mutant that loops forever still ends after this.
    timeoutMS: 10_000,
    timeoutFactor: 2,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    plugins: ['@stryker-mutator/vitest-runner'],
  });
  const results = await stryker.runMutationTest();
  // With --mutate the results also hold the module's other files, carried over from the incremental file.
  scores.push(scoreLine(name, results));
  const files = [...new Set(results.map((r) => r.fileName))].sort();
  for (const file of files) {
    scores.push(
      scoreLine(
        `  ${relative(process.cwd(), file)}`,
        results.filter((r) => r.fileName === file),
      ),
    );
  }
}
console.log(`\nMutation score per module\n${scores.join('\n')}`);
