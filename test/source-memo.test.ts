/**
 * Parsing an edited config file from the memo of its last parse (config/source-memo.ts) gives what
 * a full parse gives: the same data, the same memo for the next edit, the same problems at the same
 * positions; and edits a unit cannot take (anchors, block scalars, indentation changes, a second
 * document, YAML errors) are parsed in full.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { loadFleet } from '../config/load.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import { reparse, type SourceMemo } from '../config/source-memo.ts';
import { parseYamlText, type SourceMemos } from '../config/source.ts';
import { writeSyntheticFleet } from '../scripts/bench/synthetic-fleet.ts';
import { EXAMPLES, ROOT, tempDir } from './helpers.ts';
import { random } from './random.ts';

const full = (text: string) => parseYamlText(new TextEncoder().encode(text), 'F', { memo: null });

/** Line-level edits of a YAML text, at line `at`, by name: most keep it valid, some make it invalid or not unit-parseable. */
const TEXT_EDITS: Record<string, (lines: string[], at: number, pick: <T>(list: readonly T[]) => T) => void> = {
  'insert a key': (lines, at, pick) => { lines.splice(at, 0, `${' '.repeat(pick([0, 2, 4, 6, 8, 10]))}extra${at}: ${pick(['1', '{}', 'x y', '[a, b]'])}`); },
  'delete a line': (lines, at) => { lines.splice(at, 1); },
  'insert a comment': (lines, at, pick) => { lines.splice(at, 0, `${' '.repeat(pick([0, 1, 4, 9]))}# note`); },
  'trailing comment': (lines, at) => { lines[at] = lines[at]!.replace(/: (\S.*)$/, ': $1 # why'); },
  'anchor and alias': (lines, at) => { lines[at] = lines[at]!.replace(/^(\s*(- )?[\w.-]+):(.*)$/, '$1: &anchor$3'); lines.push('tail: *anchor'); },
  'block scalar': (lines, at, pick) => { const indent = pick([2, 4, 6, 8]); lines.splice(at, 0, `${' '.repeat(indent)}note${at}: |`, `${' '.repeat(indent + 2)}two`, `${' '.repeat(indent + 2)}lines`); },
  'multi-line quoted': (lines, at, pick) => { const indent = pick([2, 4, 6, 8]); lines.splice(at, 0, `${' '.repeat(indent)}quoted${at}: "one`, `${' '.repeat(indent + 2)}two"`); },
  'tab': (lines, at) => { lines.splice(at, 0, `\t\tbad${at}: 1`); },
  'second document': (lines, at) => { lines.splice(at, 0, '---'); },
  'duplicate a line': (lines, at) => { lines.splice(at, 0, lines[at]!); },
  'reindent a line': (lines, at, pick) => { lines[at] = pick(['  ', '']) + lines[at]!.replace(/^ {0,2}/, ''); },
  'change a value': (lines, at) => { lines[at] = lines[at]!.replace(/: (\d+)$/, (_, n: string) => `: ${Number(n) + 1}`).replace(/: (true|false)$/, (_, b: string) => `: ${b === 'true' ? 'false' : 'true'}`); },
  'explicit tag': (lines, at) => { lines[at] = lines[at]!.replace(/: (\w+)$/, ': !!str $1'); },
  'flow over lines': (lines, at) => { lines[at] = lines[at]!.replace(/: (\w+)$/, ': [$1,'); lines.splice(at + 1, 0, '      more]'); },
};

/** What a replay did: per kind of edit (TEXT_EDITS' keys), how often it was made and how often the memo took it. */
interface ReplayCounts {
  readonly made: Map<string, number>;
  readonly taken: Map<string, number>;
}

const newCounts = (): ReplayCounts => ({ made: new Map(), taken: new Map() });
const count = (counts: Map<string, number>, what: string) => counts.set(what, (counts.get(what) ?? 0) + 1);
const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

/**
 * Applies `steps` random edits to `text`; after each, parses it from the memo (when the last
 * version had one) and in full, and checks they agree. Adds what it did to `counts`.
 */
function replay(text: string, seed: number, steps: number, counts: ReplayCounts = newCounts()): ReplayCounts {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const first = full(text);
  assert.ok(first.ok && first.source.memo);
  let memo: SourceMemo = first.source.memo;
  for (let step = 0; step < steps; step++) {
    const lines = memo.text.split('\n');
    const at = 1 + Math.floor(rand() * (lines.length - 2));
    const [what, edit] = pick(Object.entries(TEXT_EDITS));
    edit(lines, at, pick);
    count(counts.made, what);
    const edited = lines.join('\n');
    const label = `seed ${seed}, step ${step}: ${what} at line ${at + 1}`;
    const whole = full(edited);
    const next = reparse(memo, edited);
    if (!whole.ok) {
      assert.equal(next, undefined, `${label}: invalid YAML must be parsed in full`);
      continue;
    }
    if (next === undefined) {
      // An anchor or a tag leaves no memo, as after any full parse: go on from the first text.
      memo = whole.source.memo ?? first.source.memo;
      continue;
    }
    assert.deepEqual(next.data, whole.source.data, `${label}: data`);
    assert.deepEqual(next.units, whole.source.memo?.units, `${label}: units`);
    if (edited !== memo.text) count(counts.taken, what);
    memo = next;
  }
  return counts;
}

describe('a config file parsed from the memo of its last parse', () => {
  test('random line edits of a synthetic fleet and its app: the same data and units as a full parse (seeded)', () => {
    // Six clusters and four services hold every key and nesting of the larger fleets (primaries,
    // remotes with and without ingress, ports with a protocol); a smaller text parses faster, and
    // each edit still lands on any of them.
    const file = writeSyntheticFleet(tempDir(), { clusters: 6, services: 4 });
    const counts = newCounts();
    for (const seed of [1, 2, 3, 4]) {
      replay(readFileSync(file, 'utf8'), 20261127 + seed, 60, counts);
      replay(readFileSync(join(file, '../shop.yaml'), 'utf8'), 20261227 + seed, 30, counts);
    }
    // What the seeds above do (deterministic): each kind of edit made often, and the memo taking
    // many edits of several kinds, so that a change of seeds or steps cannot quietly test less.
    for (const what of Object.keys(TEXT_EDITS)) {
      assert.ok((counts.made.get(what) ?? 0) >= 20, `${what}: made ${counts.made.get(what) ?? 0} times`);
    }
    assert.ok(total(counts.taken) >= 50 && counts.taken.size >= 5, `the memo took ${total(counts.taken)} edits: ${[...counts.taken].map(([w, n]) => `${w} ${n}`).join(', ')}`);
  });

  test('random line edits of every example fleet (seeded)', () => {
    for (const [i, file] of EXAMPLES.entries()) replay(readFileSync(file, 'utf8'), 7000 + i, 40);
  });

  test('structured edits of placements and clusters are parsed from the memo, with the data of a full parse', () => {
    const file = writeSyntheticFleet(tempDir(), { clusters: 14, services: 5 });
    const doc = parseDocument(readFileSync(file, 'utf8'));
    const first = full(doc.toString());
    assert.ok(first.ok && first.source.memo);
    let memo = first.source.memo;
    const edits: [string, () => void][] = [
      ['scale a placement', () => doc.setIn(['apps', 'shop', 'placement', 'asia-east1-1', 'svc-00-v2'], { replicas: 4 })],
      ['autoscale it', () => doc.setIn(['apps', 'shop', 'placement', 'asia-east1-1', 'svc-00-v2'], { autoscaling: { min: 1, max: 3 } })],
      ['place another workload', () => doc.setIn(['apps', 'shop', 'placement', 'asia-east1-1', 'svc-04-v2'], {})],
      ['remove a workload', () => doc.deleteIn(['apps', 'shop', 'placement', 'asia-east1-1', 'svc-01-v1'])],
      ['grow a node pool', () => doc.setIn(['clusters', 5, 'nodePools', 0, 'maxNodes'], 9)],
      ['add a node pool', () => doc.addIn(['clusters', 5, 'nodePools'], { name: 'big', machineType: 'e2-standard-8', minNodes: 0, maxNodes: 2 })],
      ['move a range', () => doc.setIn(['clusters', 7, 'ranges', 'controlPlane'], '172.31.0.0/28')],
    ];
    for (const [what, edit] of edits) {
      edit();
      const text = doc.toString();
      const next = reparse(memo, text);
      assert.ok(next, `${what}: parsed from the memo`);
      assert.deepEqual(next.data, doc.toJS(), what);
      memo = next;
    }
  });
});

describe('loading a fleet with memos', () => {
  test('an edit taken from the memo loads the same fleet; a problem in it is reported at its position', () => {
    const file = writeSyntheticFleet(tempDir(), { clusters: 14, services: 5 });
    const memos: SourceMemos = new Map();
    loadFleet(file, { memos });
    assert.deepEqual([...memos.keys()].map((f) => f.split('/').pop()).sort(), ['fleet.yaml', 'shop.yaml']);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    doc.setIn(['apps', 'shop', 'placement', 'asia-east1-1', 'svc-00-v2'], { replicas: 4 });
    writeFileSync(file, doc.toString());
    const before = memos.get([...memos.keys()].find((f) => f.endsWith('fleet.yaml'))!);
    assert.deepEqual(loadFleet(file, { memos }), loadFleet(file));
    assert.notEqual(memos.get([...memos.keys()].find((f) => f.endsWith('fleet.yaml'))!), before, 'the memo follows the edit');

    doc.setIn(['apps', 'shop', 'placement', 'asia-east1-1', 'svc-00-v2'], { replicas: -1 });
    writeFileSync(file, doc.toString());
    const problems = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems.map((p) => formatProblem({ ...p, file: 'F' }));
      }
      assert.fail('no ConfigError');
    };
    const expected = problems(() => loadFleet(file));
    assert.match(expected[0]!, /^F:\d+:\d+ apps\.shop\.placement\.asia-east1-1\.svc-00-v2\.replicas: /);
    assert.deepEqual(problems(() => loadFleet(file, { memos })), expected);
  });

  test('the default fleet and every example load the same with memos, also the second time', () => {
    for (const file of [join(ROOT, 'config/fleet.yaml'), ...EXAMPLES]) {
      const memos: SourceMemos = new Map();
      const plain = loadFleet(file);
      assert.deepEqual(loadFleet(file, { memos }), plain, file);
      assert.ok(memos.size > 0, file);
      assert.deepEqual(loadFleet(file, { memos }), plain, file);
    }
  });
});
