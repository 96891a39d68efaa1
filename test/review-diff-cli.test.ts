/**
 * `npm run diff` as a user and CI run it, in a throwaway git repository holding a copy of the
 * default fleet: exit 0 no change, 1 changes, 2 error (unknown revision, invalid config in the
 * revision or the working tree, bad usage), text and Markdown output.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { COMMENT_MARKER } from '../scripts/review/format-diff.ts';
import { copyOf, DEFAULT_FLEET, MESHFLEET_BIN, QUIET_GIT_ENV, ROOT, runCommand, tempDir, type CommandRun } from './commands.ts';

const runDiff = (args: string[], cwd: string) => runCommand('diff', args, cwd);

const git = (repo: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=meshfleet-test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, stdio: 'pipe', env: { ...process.env, ...QUIET_GIT_ENV } });

let template: string | undefined;

/** A git repository with config/fleet.yaml and config/apps/bookinfo.yaml committed (made once, then copied). */
function fleetRepo(): string {
  if (!template) {
    template = tempDir('meshfleet-diff-');
    mkdirSync(join(template, 'config/apps'), { recursive: true });
    copyFileSync(DEFAULT_FLEET, join(template, 'config/fleet.yaml'));
    copyFileSync(join(ROOT, 'config/apps/bookinfo.yaml'), join(template, 'config/apps/bookinfo.yaml'));
    git(template, 'init', '-q');
    git(template, 'add', '.');
    git(template, 'commit', '-qm', 'fleet');
  }
  return copyOf(template, [], 'meshfleet-diff-');
}

const edit = (file: string, from: string, to: string) => {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} contains ${from}`);
  writeFileSync(file, text.replace(from, to));
};

describe('diff CLI', { concurrency: true }, () => {
  let repo = '';
  // `diff` in the unchanged repository, run once for the two tests that look at it (what it
  // prints; that it leaves no checkout in its TMPDIR, whose listing the Ctrl-C test also reads).
  let tmp = '';
  let unchanged: Promise<CommandRun>;
  before(() => {
    repo = fleetRepo();
    tmp = tempDir();
    unchanged = runCommand('diff', [], repo, { ...process.env, TMPDIR: tmp });
  });

  test('--help says what is compared, that code comes from the working tree, and the exit codes', async () => {
    const r = await runDiff(['--help'], ROOT);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: npm run diff -- \[--base REF\] \[--format text\|markdown\] \[--config FILE\] \[--report-url URL\]/);
    assert.match(r.stdout, /-r, --report-url URL/);
    assert.match(r.stdout, /rendered with the working tree's code/);
    assert.match(r.stdout, /Exit codes: 0 no change, 1 changes, 2 error/);
  });

  test('no change: exit 0, every cluster on the "unchanged" line', async () => {
    const r = await unchanged;
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'meshfleet diff: HEAD → working tree (config/fleet.yaml)\nunchanged: frankfurt, saopaulo\nno change\n');
  });

  test('a change: exit 1, per-cluster summary and the changed fields; markdown starts with the marker', async () => {
    const changed = fleetRepo();
    edit(join(changed, 'config/fleet.yaml'), '        reviews-v3: {}', '        reviews-v3: { replicas: 3 }');
    const text = await runDiff(['--base', 'HEAD'], changed);
    assert.equal(text.status, 1, text.stderr);
    assert.match(text.stdout, /\nsaopaulo: 1 added, 1 changed, 0 removed\nunchanged: frankfurt\noverview: FLEET.md changed\n/);
    assert.match(text.stdout, /\n {4}~ Deployment bookinfo\/reviews-v3\n {8}spec\.replicas: 1 → 3\n/);
    const md = await runDiff(['--format', 'markdown'], changed);
    assert.equal(md.status, 1);
    assert.ok(md.stdout.startsWith(`${COMMENT_MARKER}\n`));
    assert.match(md.stdout, /\n\*\*saopaulo\*\*\n\n```diff\n@@ apps @@\n~ Deployment bookinfo\/reviews-v3\n/);
    const cut = await runDiff(['--format', 'markdown', '--report-url', 'https://example.com/run/1'], changed);
    assert.equal(cut.status, 1);
    assert.equal(cut.stdout, md.stdout, 'a comment that fits needs no pointer');
  });

  test('an unknown revision: exit 2 and says which', async () => {
    const r = await runDiff(['--base', 'no-such-branch'], repo);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: unknown revision "no-such-branch" (expected a commit, branch or tag, e.g. HEAD or origin/main)\n');
  });

  test('invalid config in the revision: exit 2, problems as the loader formats them, named REF:path', async () => {
    const bad = fleetRepo();
    const fleet = join(bad, 'config/fleet.yaml');
    const good = readFileSync(fleet, 'utf8');
    edit(fleet, 'role: remote', 'role: satellite');
    git(bad, 'commit', '-qam', 'broken');
    writeFileSync(fleet, good);
    const r = await runDiff(['--base', 'HEAD'], bad);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^HEAD:config\/fleet\.yaml:\d+:\d+ clusters\[1\]\.role: invalid value \(got "satellite", expected primary or remote\)\n/);
    assert.match(r.stderr, /\n1 problem in the config of HEAD; nothing to compare\.\n$/);
    assert.equal((await runDiff(['--base', 'HEAD~1'], bad)).status, 0, 'the commit before is fine');
  });

  test('invalid config in the working tree: exit 2', async () => {
    const bad = fleetRepo();
    edit(join(bad, 'config/fleet.yaml'), 'role: remote', 'role: satellite');
    const r = await runDiff([], bad);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^config\/fleet\.yaml:\d+:\d+ clusters\[1\]\.role: invalid value/);
    assert.match(r.stderr, /in the config of the working tree; nothing to compare\.\n$/);
  });

  test('a fleet file that does not exist in the revision: everything is added', async () => {
    const r = await runDiff(['--config', 'config/new-fleet.yaml'], (() => {
      const dir = fleetRepo();
      copyFileSync(join(dir, 'config/fleet.yaml'), join(dir, 'config/new-fleet.yaml'));
      return dir;
    })());
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /\nfrankfurt \(new cluster\): \d+ added, 0 changed, 0 removed\nsaopaulo \(new cluster\): \d+ added, 0 changed, 0 removed\n/);
  });

  test('bad usage and no git repository: exit 2', async () => {
    const format = await runDiff(['--format', 'html'], repo);
    assert.equal(format.status, 2);
    assert.match(format.stderr, /^--format must be text or markdown \(got "html"\)/);
    assert.equal((await runDiff(['--bsae', 'HEAD'], repo)).status, 2);
    const outside = tempDir();
    copyFileSync(DEFAULT_FLEET, join(outside, 'fleet.yaml'));
    const r = await runDiff(['--config', 'fleet.yaml'], outside);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /is not inside a git work tree/);
  });

  test('the temporary checkout of REF is removed: after a diff, after an error, and after Ctrl-C', async () => {
    const env = { ...process.env, TMPDIR: tmp };
    const checkouts = () => readdirSync(tmp).filter((name) => name.startsWith('meshfleet-diff-'));
    const args = [MESHFLEET_BIN, 'diff'];
    assert.equal((await unchanged).status, 0);
    assert.equal(spawnSync(process.execPath, [...args, '--base', 'HEAD', '--config', 'config/apps/bookinfo.yaml'], { cwd: repo, env }).status, 2);
    assert.deepEqual(checkouts(), []);

    const child = spawn(process.execPath, args, { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    // Interrupted once the checkout exists.
    while (checkouts().length === 0) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.equal(stderr, 'diff: interrupted\n');
    assert.deepEqual(checkouts(), []);
  });
});
