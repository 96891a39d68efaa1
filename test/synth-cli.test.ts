/**
 * `npm run synth` as a user runs it: help, usage errors, invalid config leaves the output alone,
 * re-runs rewrite nothing, stale files go, foreign directories are never replaced.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { listFiles } from '../scripts/lib/write-tree.ts';
import { copyOf, DEFAULT_FLEET, MESHFLEET_BIN, ROOT, runSynth, tempDir, type CommandRun } from './commands.ts';

const snapshot = (dir: string) => new Map([...listFiles(dir)].map(([rel, abs]) => [rel, `${statSync(abs).ino}:${statSync(abs).mtimeMs}:${readFileSync(abs, 'utf8')}`]));

describe('synth CLI', { concurrency: true }, () => {
  // The default fleet synthesized into a new folder, then again into the same one; tests that
  // need a dist as synth leaves it get a copy of that folder rather than a synth of their own.
  let synthesized: Promise<{ readonly dir: string; readonly first: CommandRun; readonly before: ReturnType<typeof snapshot>; readonly second: CommandRun; readonly after: ReturnType<typeof snapshot> }>;
  before(() => {
    synthesized = (async () => {
      const dir = tempDir();
      const out = join(dir, 'dist');
      const first = await runSynth(['--config', DEFAULT_FLEET, '--out', out]);
      const beforeRerun = snapshot(out);
      const second = await runSynth(['--config', DEFAULT_FLEET, '--out', out]);
      return { dir, first, before: beforeRerun, second, after: snapshot(out) };
    })();
  });
  /** A copy of the synthesized folder's dist, and the folder that holds it. */
  const synthesizedDist = async () => {
    const dir = copyOf((await synthesized).dir);
    return { dir, out: join(dir, 'dist') };
  };

  test('--help documents the options and exits 0', async () => {
    const r = await runSynth(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: npm run synth -- \[--config FILE\] \[--out DIR\] \[--full\] \[--quiet\]/);
    for (const flag of ['--config', '--out', '--full', '--quiet', '--help']) assert.ok(r.stdout.includes(flag), flag);
  });

  test('an unknown option is a usage error (exit 2)', async () => {
    const r = await runSynth(['--outt', 'x']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Unknown option '--outt'/);
  });

  test('renders, then a re-run rewrites nothing and keeps every file as it was', async () => {
    const { first, before, second, after } = await synthesized;
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^synth: 2 clusters, \d+ objects \(frankfurt \d+, saopaulo \d+\), \d+ files → /);
    assert.match(first.stdout, /\n {7}\d+ written, 0 unchanged, 0 removed in \d+ ms \(2 of 2 clusters rendered\)\n/, 'a first synth renders every cluster, and says nothing of a last one');
    assert.match(first.stdout, /\n {2}\+ FLEET\.md\n/, 'new files are marked +');
    assert.equal(second.status, 0);
    assert.match(second.stdout, /\n {7}0 written, \d+ unchanged, 0 removed in \d+ ms \(0 of 2 clusters rendered, the rest unchanged since the last synth\)\n$/);
    assert.deepEqual(after, before, 'same bytes, inodes and mtimes');
  });

  test('incremental: a cluster whose inputs did not change is not rendered again; --full renders all; same bytes either way', async () => {
    const dir = tempDir();
    const out = join(dir, 'dist');
    const config = join(dir, 'fleet.yaml');
    const text = readFileSync(DEFAULT_FLEET, 'utf8').replace('definition: apps/', `definition: ${ROOT}config/apps/`);
    writeFileSync(config, text);
    assert.equal((await runSynth(['--config', config, '--out', out, '-q'])).status, 0);
    // saopaulo's node pool grows: its own input only (and nothing it renders), so frankfurt is reused.
    writeFileSync(config, text.replace('maxNodes: 3, spot: true', 'maxNodes: 5, spot: true'));
    const pool = await runSynth(['--config', config, '--out', out]);
    assert.equal(pool.status, 0, pool.stderr);
    assert.match(pool.stdout, /\n {7}0 written, \d+ unchanged, 0 removed in \d+ ms \(1 of 2 clusters rendered, the rest unchanged since the last synth\)\n$/);
    // reviews-v3 scaled to 2 in saopaulo: its workloads change; frankfurt, the config cluster,
    // reads where workloads run (failover, subsets), not how many replicas, so it is reused.
    writeFileSync(config, text.replace('maxNodes: 3, spot: true', 'maxNodes: 5, spot: true').replace('        reviews-v3: {}', '        reviews-v3: { replicas: 2 }'));
    const edited = await runSynth(['--config', config, '--out', out]);
    assert.equal(edited.status, 0, edited.stderr);
    assert.match(edited.stdout, /\(1 of 2 clusters rendered, the rest unchanged since the last synth\)\n {2}~ FLEET\.md\n {2}~ clusters\/saopaulo\/apps\/bookinfo-workloads\.yaml\n$/);
    const bytes = (d: string) => new Map([...listFiles(d)].map(([rel, abs]) => [rel, readFileSync(abs, 'utf8')]));
    const fullOut = join(dir, 'full');
    const full = await runSynth(['--config', config, '--out', fullOut, '--full']);
    assert.match(full.stdout, /\(2 of 2 clusters rendered/);
    assert.deepEqual(bytes(fullOut), bytes(out), 'byte-identical to a full render');
  });

  test('stale files are removed, hand edits overwritten', async () => {
    const { out } = await synthesizedDist();
    mkdirSync(join(out, 'clusters/oldcluster'), { recursive: true });
    // What an earlier synth wrote for a cluster since removed from the config.
    writeFileSync(join(out, 'clusters/oldcluster/kustomization.yaml'), readFileSync(join(out, 'clusters/saopaulo/kustomization.yaml'), 'utf8'));
    writeFileSync(join(out, 'FLEET.md'), 'edited by hand');
    const r = await runSynth(['--config', DEFAULT_FLEET, '--out', out]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /1 written, \d+ unchanged, 1 removed/);
    assert.ok(r.stdout.includes('  ~ FLEET.md\n'), 'changed files are marked ~');
    assert.ok(r.stdout.includes('  - clusters/oldcluster/kustomization.yaml'));
    assert.equal(existsSync(join(out, 'clusters/oldcluster')), false);
  });

  test('invalid config: one line per problem, exit 1, output left byte-for-byte as it was', async () => {
    const { dir, out } = await synthesizedDist();
    const before = snapshot(out);
    const bad = join(dir, 'fleet.yaml');
    writeFileSync(bad, readFileSync(DEFAULT_FLEET, 'utf8').replace('role: remote', 'role: satellite').replace('project: meshfleet-demo', 'project: X').replace('definition: apps/', `definition: ${ROOT}config/apps/`));
    const r = await runSynth(['--config', bad, '--out', out], dir);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.deepEqual(lines, [
      'fleet.yaml:4:10 project: invalid value (got "X", expected a GCP project id: 6-30 lowercase letters, digits or "-", starting with a letter)',
      'fleet.yaml:34:11 clusters[1].role: invalid value (got "satellite", expected primary or remote)',
      '2 problems in config; nothing was written.',
    ]);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(snapshot(out), before);
  });

  test('output piped into a reader that stops early (`| head -1`) is no crash', () => {
    const out = join(tempDir(), 'dist');
    const cmd = `"${process.execPath}" "${MESHFLEET_BIN}" synth --config "${DEFAULT_FLEET}" --out "${out}" | head -1; exit \${PIPESTATUS[0]}`;
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^synth: 2 clusters/);
  });

  test('refuses to replace a directory it did not write', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'precious.txt'), 'keep me');
    const r = await runSynth(['--config', DEFAULT_FLEET, '--out', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: refusing to replace .*: it holds precious\.txt, which meshfleet did not write/);
    assert.equal(readFileSync(join(dir, 'precious.txt'), 'utf8'), 'keep me');
  });
});
