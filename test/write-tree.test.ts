/**
 * synth's write path (scripts/lib/write-tree.ts) against hostile or unlucky outputs: foreign files,
 * symlinks, `/`, a read-only filesystem, a held or stale lock, leftovers of killed writers.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkOutput, GENERATED_MARK, listFiles, OWNED_TOP_LEVEL, writeTree } from '../scripts/lib/write-tree.ts';
import { DEFAULT_FLEET, EXAMPLES, MESHFLEET_BIN, ROOT, render, runSynth, tempDir, writeFixture } from './helpers.ts';

const tree = (name: string): Map<string, string> => new Map([
  ['FLEET.md', `<!-- ${GENERATED_MARK} (${name}) -->\n`],
  ['clusters/a/kustomization.yaml', `# ${GENERATED_MARK}\n${name}: a\n`],
  [`clusters/${name}/kustomization.yaml`, `# ${GENERATED_MARK}\n${name}: only\n`],
]);

const contents = (dir: string) => Object.fromEntries([...listFiles(dir)].map(([rel, abs]) => [rel, readFileSync(abs, 'utf8')]));

/** A PID that no process has (one that has just exited). */
const deadPid = (): number => spawnSync('true').pid!;

describe('write: what it may replace', () => {
  test("a user's file anywhere in the tree is never removed: refused, nothing changed", () => {
    const out = join(tempDir(), 'dist');
    writeTree(out, tree('x'));
    mkdirSync(join(out, 'clusters/mine'));
    writeFileSync(join(out, 'clusters/mine/data.txt'), 'mine');
    const before = contents(out);
    assert.throws(() => writeTree(out, tree('y')), {
      message: `refusing to replace ${out}: it holds clusters/mine/data.txt, which meshfleet did not write (choose an empty or generated --out directory)`,
    });
    assert.deepEqual(contents(out), before);
  });

  test('a symlink inside the tree is not ours either', () => {
    const out = join(tempDir(), 'dist');
    writeTree(out, tree('x'));
    symlinkSync('/etc', join(out, 'clusters/etc'));
    assert.throws(() => writeTree(out, tree('x')), { message: `refusing to replace ${out}: it holds clusters/etc, which meshfleet did not write (choose an empty or generated --out directory)` });
  });

  test('files no longer rendered are removed when they carry the generated mark, and their folders with them', () => {
    const out = join(tempDir(), 'dist');
    writeTree(out, tree('x'));
    const summary = writeTree(out, tree('y'));
    assert.deepEqual(summary.removed, ['clusters/x/kustomization.yaml']);
    assert.deepEqual(contents(out), Object.fromEntries(tree('y')));
    assert.deepEqual(readdirSync(join(out, 'clusters')).sort(), ['a', 'y']);
  });

  test('folders a killed write left empty go at the next write, nested ones with their parents; nothing else is removed', () => {
    const out = join(tempDir(), 'dist');
    writeTree(out, tree('x'));
    // As after a write killed between its removals and the rest: emptied folders, one inside another.
    mkdirSync(join(out, 'clusters/gone/apps'), { recursive: true });
    mkdirSync(join(out, 'clusters/b'));
    const changed = new Map(tree('x')).set('FLEET.md', `<!-- ${GENERATED_MARK} (changed) -->\n`);
    assert.deepEqual(writeTree(out, changed).removed, []);
    assert.deepEqual(readdirSync(join(out, 'clusters')).sort(), ['a', 'x']);
    assert.deepEqual(contents(out), Object.fromEntries(changed));
  });

  test('a file where a folder was, and a folder where a file was', () => {
    const out = join(tempDir(), 'dist');
    const mark = `# ${GENERATED_MARK}\n`;
    writeTree(out, new Map([['clusters/a/x.yaml', mark], ['clusters/b', mark]]));
    writeTree(out, new Map([['clusters/a', `${mark}now a file\n`], ['clusters/b/y.yaml', `${mark}now in a folder\n`]]));
    assert.deepEqual(contents(out), { 'clusters/a': `${mark}now a file\n`, 'clusters/b/y.yaml': `${mark}now in a folder\n` });
  });

  test('every file synth renders carries the generated mark in its first line (so a later synth may remove it)', () => {
    for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
      for (const [path, content] of render(file).rendered.files) assert.ok(content.split('\n')[0]!.includes(GENERATED_MARK), `${file}: ${path}`);
    }
  });

  test('--out / and --out /usr are refused at once, from their top level, without walking them', () => {
    const refusal = (dir: string) => {
      const foreign = readdirSync(dir).filter((n) => !OWNED_TOP_LEVEL.includes(n)).sort();
      return `refusing to replace ${dir}: it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}, which meshfleet did not write (choose an empty or generated --out directory)`;
    };
    // `/` through synth (its exit code and message), with a config that does not load: the output
    // is refused before the config is read. `/usr` is refused by the same checks in this process:
    // up front (checkOutput, as synth does) and by writeTree itself.
    const broken = writeFixture('fleet.yaml', 'project: [unclosed\n');
    const r = spawnSync(process.execPath, [MESHFLEET_BIN, 'synth', '--config', broken, '--out', '/'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `error: ${refusal('/')}\n`);
    assert.throws(() => checkOutput('/usr'), { message: refusal('/usr') });
    assert.throws(() => writeTree('/usr', render(DEFAULT_FLEET).rendered.files), { message: refusal('/usr') });
  });

  test('a tree bigger than the limit is refused without reading it all', () => {
    const out = join(tempDir(), 'dist');
    writeTree(out, tree('x'));
    assert.throws(() => writeTree(out, tree('x'), { maxEntries: 4 }), {
      message: `refusing to replace ${out}: it holds more than 4 files and folders, more than meshfleet writes (choose an empty or generated --out directory)`,
    });
  });
});

describe('write: where it writes', () => {
  test('an --out that is a symlink is written through: the link stays, its target gets the files', () => {
    const dir = tempDir();
    const target = join(dir, 'real-dist');
    writeTree(target, tree('x'));
    symlinkSync(target, join(dir, 'dist'));
    writeTree(join(dir, 'dist'), tree('y'));
    assert.ok(lstatSync(join(dir, 'dist')).isSymbolicLink());
    assert.deepEqual(contents(target), Object.fromEntries(tree('y')));
    assert.deepEqual(readdirSync(dir).sort(), ['dist', 'real-dist']);
  });

  test('an --out that is a dangling symlink is an error that says so', () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'gone'), join(dir, 'dist'));
    assert.throws(() => writeTree(join(dir, 'dist'), tree('x')), { message: `cannot write ${join(dir, 'dist')}: it is a symbolic link to ${join(dir, 'gone')}, which does not exist` });
  });

  test('an --out below a file says which path is not a folder', () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    assert.throws(() => writeTree(join(file, 'dist'), tree('x')), { message: `cannot write ${join(file, 'dist')}: ${file} is not a directory` });
  });

  // As root, permissions do not stop writes; a read-only mount does. It takes a private mount
  // namespace (unshare -m), available to root in most containers; skipped where it is not.
  const canMount = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt'], { stdio: 'ignore' }).status === 0;
  test('a read-only filesystem is named as such, for a new and for an existing output', { skip: !canMount && 'needs unshare -m and mount' }, () => {
    const mnt = tempDir();
    const synth = `"${process.execPath}" "${MESHFLEET_BIN}" synth --config "${DEFAULT_FLEET}" -q --out`;
    const script = [
      `mount -t tmpfs -o size=16m tmpfs "${mnt}"`,
      `${synth} "${mnt}/existing"`,
      `mount -o remount,ro "${mnt}"`,
      `${synth} "${mnt}/new/dist"; echo "exit $?"`,
      `${synth} "${mnt}/existing"; echo "exit $?"`,
    ].join(' && ');
    const r = spawnSync('unshare', ['-m', 'bash', '-c', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.stdout, 'exit 1\nexit 1\n', r.stderr);
    assert.equal(r.stderr, `error: cannot write ${mnt}/new/dist: read-only file system\nerror: cannot write ${mnt}/existing: read-only file system\n`);
  });
});

describe('write: one writer at a time, nothing left behind', () => {
  test('a lock held by a live process stops the write with a message naming it', async () => {
    const out = join(tempDir(), 'dist');
    writeTree(out, tree('x'));
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(`${join(out, '..')}/.dist.synth-lock`, `${holder.pid}\n`);
      assert.throws(() => writeTree(out, tree('y')), {
        message: `cannot write ${out}: another synth (pid ${holder.pid}) is writing it (lock ${join(out, '..')}/.dist.synth-lock); run again when it has finished`,
      });
      assert.deepEqual(contents(out), Object.fromEntries(tree('x')));
    } finally {
      holder.kill();
    }
  });

  test("a dead writer's lock, staging folder and pending lock are taken over and removed; old swap folders too", () => {
    const dir = tempDir();
    const out = join(dir, 'dist');
    writeTree(out, tree('x'));
    const pid = deadPid();
    writeFileSync(join(dir, '.dist.synth-lock'), `${pid}\n`);
    writeFileSync(join(dir, `.dist.synth-lock.${pid}`), `${pid}\n`);
    for (const leftover of [`.dist.staging-${pid}`, `.dist.old-${pid}`, `.dist.staging-${process.pid}`]) {
      mkdirSync(join(dir, leftover, 'clusters'), { recursive: true });
      writeFileSync(join(dir, leftover, 'FLEET.md'), 'half');
    }
    // Someone else's folder of a similar name is not ours to remove.
    mkdirSync(join(dir, '.distx.staging-1'));
    writeTree(out, tree('y'));
    assert.deepEqual(readdirSync(dir).sort(), ['.distx.staging-1', 'dist']);
    assert.deepEqual(contents(out), Object.fromEntries(tree('y')));
  });

  test('nothing changed: nothing is written, and no lock or staging folder stays', () => {
    const dir = tempDir();
    const out = join(dir, 'dist');
    writeTree(out, tree('x'));
    const summary = writeTree(out, tree('x'));
    assert.deepEqual([summary.written, summary.removed, summary.unchanged], [[], [], 3]);
    assert.deepEqual(readdirSync(dir), ['dist']);
  });

  test("the repository's .gitignore keeps writers' side files out of git", async () => {
    const pid = deadPid();
    const paths = [`.dist.staging-${pid}/FLEET.md`, `.dist.old-${pid}/FLEET.md`, '.dist.synth-lock', `.dist.synth-lock.${pid}`, '.dist.synth-lock.break'];
    const r = spawnSync('git', ['check-ignore', '--no-index', ...paths], { cwd: ROOT, encoding: 'utf8' });
    assert.deepEqual(r.stdout.trim().split('\n'), paths);
    assert.ok(!existsSync(join(ROOT, '.dist.synth-lock')));
  });
});

describe('write: files the last write stamped', () => {
  const FILE = 'clusters/a/kustomization.yaml';
  /** A tree, and the stamps of a second write that counts every file as settled (as if written a while ago). */
  const stamped = () => {
    const out = join(tempDir(), 'dist');
    writeTree(out, tree('x'));
    const { stamps } = writeTree(out, tree('x'), { settledMs: -1000 });
    return { out, stamps };
  };

  test('a file whose stamp is unchanged is not read again: its known content is taken as what it holds', () => {
    const { out, stamps } = stamped();
    assert.equal(stamps.size, 3);
    // The stamp vouches for the content the last write left; a changed wish is compared against it.
    const wanted = new Map(tree('x')).set(FILE, `# ${GENERATED_MARK}
x: b
`);
    const trusted = writeTree(out, wanted, { known: new Map([[FILE, { content: wanted.get(FILE)!, stamp: stamps.get(FILE)! }]]) });
    assert.deepEqual([trusted.written, trusted.unchanged], [[], 3], 'taken on its stamp, not read');
    assert.equal(readFileSync(join(out, FILE), 'utf8'), tree('x').get(FILE));
    const read = writeTree(out, wanted, { known: new Map([[FILE, { content: tree('x').get(FILE)!, stamp: stamps.get(FILE)! }]]) });
    assert.deepEqual(read.written, [FILE], 'known content other than wanted: read and compared');
    assert.equal(readFileSync(join(out, FILE), 'utf8'), wanted.get(FILE));
  });

  test('a file changed after its stamp is read and put back; its ctime tells even when size and mtime match', () => {
    const original = tree('x').get(FILE)!;
    for (const mtimeSetBack of [false, true]) {
      const { out, stamps } = stamped();
      const abs = join(out, FILE);
      writeFileSync(abs, original.replace('x: a', 'x: z'));
      const now = statSync(abs);
      assert.equal(now.size, stamps.get(FILE)!.size);
      // utimes cannot set an mtime back to the nanosecond: a stamp with today's size and mtime but
      // the old ctime stands for a file whose mtime was set back exactly (ctime no tool can set).
      const stamp = mtimeSetBack ? { size: now.size, mtimeMs: now.mtimeMs, ino: now.ino, ctimeMs: stamps.get(FILE)!.ctimeMs } : stamps.get(FILE)!;
      const summary = writeTree(out, tree('x'), { known: new Map([[FILE, { content: original, stamp }]]) });
      assert.deepEqual(summary.written, [FILE], `mtime set back: ${mtimeSetBack}`);
      assert.equal(readFileSync(abs, 'utf8'), original);
    }
  });

  test('files changed less than settledMs (default 2 s) before the write are not stamped: a change in the same clock tick could keep the stamp', () => {
    const out = join(tempDir(), 'dist');
    writeTree(out, tree('x'));
    assert.equal(writeTree(out, tree('x')).stamps.size, 0);
    assert.equal(writeTree(out, tree('x'), { settledMs: -1000 }).stamps.size, 3);
    assert.equal(writeTree(join(tempDir(), 'fresh'), tree('x'), { settledMs: -1000 }).stamps.size, 0, 'a fresh tree: nothing existed to stamp');
  });
});

describe('synth CLI: the write', () => {
  test('synth into a fresh folder, then again: the second run touches nothing and leaves nothing beside', async () => {
    const dir = tempDir();
    assert.equal((await runSynth(['--config', DEFAULT_FLEET, '--out', join(dir, 'dist'), '-q'])).status, 0);
    assert.equal((await runSynth(['--config', DEFAULT_FLEET, '--out', join(dir, 'dist'), '-q'])).status, 0);
    assert.deepEqual(readdirSync(dir), ['dist']);
  });
});
