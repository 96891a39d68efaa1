/**
 * A writer process for test/write-tree-concurrency.test.ts: writes trees into one output
 * directory the way synth does (writeTree under withSignalsHeld).
 *   node --import tsx test/write-tree-worker.ts OUT TREES.json race ROUNDS FIRST
 *     writes trees[(FIRST + i) % trees.length] ROUNDS times; prints {"wrote":N,"busy":N}
 *   node --import tsx test/write-tree-worker.ts OUT TREES.json once INDEX [PAUSE_MS]
 *     prints "writing", waits PAUSE_MS (default 0), writes trees[INDEX] once, prints "done"
 * Any other error is printed and exits 1. The test runs it bundled (esbuild, like the CLI).
 */
import { readFileSync } from 'node:fs';
import { withSignalsHeld } from '../scripts/lib/signals.ts';
import { writeTree, WriteTreeError } from '../scripts/lib/write-tree.ts';

const [out, treesFile, mode, a, b] = process.argv.slice(2) as [string, string, string, string, string?];
const trees = (JSON.parse(readFileSync(treesFile, 'utf8')) as [string, string][][]).map((entries) => new Map(entries));

if (mode === 'race') {
  let wrote = 0;
  let busy = 0;
  for (let i = 0; i < Number(a); i++) {
    try {
      await withSignalsHeld(() => writeTree(out, trees[(Number(b) + i) % trees.length]!), () => 'interrupted');
      wrote++;
    } catch (err) {
      if (!(err instanceof WriteTreeError && / is writing it \(lock /.test(err.message))) throw err;
      busy++;
    }
  }
  process.stdout.write(`${JSON.stringify({ wrote, busy })}\n`);
} else {
  await withSignalsHeld(() => {
    // Inside: a signal sent on seeing this line finds SIGINT and SIGTERM already held.
    process.stdout.write('writing\n');
    // A signal sent on seeing the line then surely arrives while the work runs, on a fast machine
    // too (it is held the same way at any moment of the synchronous work).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(b ?? 0));
    return writeTree(out, trees[Number(a)]!);
  }, () => 'interrupted');
  process.stdout.write('done\n');
}
