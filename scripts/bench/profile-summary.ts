/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`): where the time went, by file and by function.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/cli.ts synth --config FLEET --out /tmp/x
 *   node --import tsx scripts/bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [--top N] [--match REGEX]
 *
 * Prints self time by file (packages folded into one line each) and by function, then inclusive
 * time by function (each sample counted once for every function on its stack), optionally only
 * for functions whose "name file:line" matches REGEX. Profiles are not committed (*.cpuprofile is
 * gitignored); docs/benchmarks.md records what they showed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, match: { type: 'string' } } });
if (positionals.length !== 1) {
  process.stderr.write('usage: node --import tsx scripts/bench/profile-summary.ts PROFILE.cpuprofile [--top N] [--match REGEX]\n');
  process.exit(2);
}
const top = Number(values.top ?? 30);
const match = values.match ? new RegExp(values.match) : undefined;
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const cwd = `file://${process.cwd()}/`;
const fileOf = (n: ProfileNode) => (n.callFrame.url || '(native)').replace(cwd, '').replace(/\?.*$/, '');
const packageOf = (file: string) => file.replace(/^.*node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, 'node_modules/$1');
const nameOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${fileOf(n).replace(/^.*node_modules\//, '')}:${n.callFrame.lineNumber + 1}`;

const selfByFile = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  total += us;
  const node = byId.get(id)!;
  add(selfByFile, packageOf(fileOf(node)), us);
  add(selfByFunction, nameOf(node), us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = nameOf(byId.get(at)!);
    if (!seen.has(name)) add(inclusive, name, us);
    seen.add(name);
  }
});

const list = (title: string, map: Map<string, number>, filter?: RegExp) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].filter(([k]) => !filter || filter.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
};
console.log(`total ${(total / 1000).toFixed(0)} ms in ${profile.samples.length} samples`);
list('self time by file', selfByFile);
list('self time by function', selfByFunction);
list(`inclusive time by function${match ? ` matching ${match}` : ''}`, inclusive, match);
