/**
 * One floor measurement, run in a fresh process by `npm run bench`:
 *   node --import tsx scripts/bench/floor-child.ts INPUT.json OUT
 * reads the objects (see floor.ts) and writes them with `yaml` into OUT; prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { childReport } from './usage.ts';

const [inputFile, out] = process.argv.slice(2);
if (!inputFile || !out) {
  process.stderr.write('usage: node --import tsx scripts/bench/floor-child.ts INPUT.json OUT\n');
  process.exit(2);
}
async function main(): Promise<void> {
  const started = performance.now();
  const { writeFloor } = await import('./floor.ts');
  const imported = performance.now();
  const input = JSON.parse(readFileSync(inputFile, 'utf8')) as import('./floor.ts').FloorInput;
  const read = performance.now();
  const files = writeFloor(input, out);
  const serialized = performance.now();

  process.stdout.write(`${JSON.stringify(childReport({
    startMs: started,
    importMs: imported - started,
    phases: { read: read - imported, serialize: serialized - read },
    objects: input.objects,
    files,
    written: files,
  }))}\n`);
}

void main();
