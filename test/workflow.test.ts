/**
 * The pull-request workflow (.github/workflows/pr.yaml): actions pinned by commit, no credentials
 * left in the checkout, and the diff comment replaced by the error when the diff fails (its shell
 * step run here against a fake npm).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { ROOT, tempDir } from './commands.ts';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
}

const FILE = join(ROOT, '.github/workflows/pr.yaml');
const text = readFileSync(FILE, 'utf8');
const steps = (parse(text) as { jobs: Record<string, { steps: Step[] }> }).jobs.review!.steps;
const step = (id: string): Step => steps.find((s) => s.id === id)!;

/** Runs the diff step's script as GitHub does (bash -e) with `npm` printing `stdout`/`stderr` and exiting `code`. */
function runDiffStep(code: number, stdout: string, stderr: string): { status: number | null; diffMd: string; summary: string } {
  const dir = tempDir();
  writeFileSync(join(dir, 'npm'), `#!/bin/sh\nprintf '%s' "$FAKE_OUT"\nprintf '%s' "$FAKE_ERR" >&2\nexit ${code}\n`);
  chmodSync(join(dir, 'npm'), 0o755);
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const r = spawnSync('bash', ['-e', '-c', step('diff').run!], {
    cwd: dir, encoding: 'utf8',
    env: { PATH: `${dir}:${process.env.PATH}`, BASE_REF: 'main', GITHUB_STEP_SUMMARY: summary, FAKE_OUT: stdout, FAKE_ERR: stderr },
  });
  return { status: r.status, diffMd: readFileSync(join(dir, 'diff.md'), 'utf8'), summary: readFileSync(summary, 'utf8') };
}

describe('pr workflow', () => {
  test('every action is pinned by a full commit SHA, with its release tag in a comment', () => {
    const uses = steps.filter((s) => s.uses !== undefined);
    assert.ok(uses.length >= 3);
    for (const s of uses) {
      assert.match(s.uses!, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, s.uses);
      const line = text.split('\n').find((l) => l.includes(`uses: ${s.uses}`))!;
      assert.match(line, / # v\d+\.\d+\.\d+$/, line);
    }
  });

  test('the checkout leaves no credentials behind', () => {
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    assert.equal(checkout.with?.['persist-credentials'], false);
  });

  test('a failing diff (exit 2) replaces the comment body with its error, and fails the step', () => {
    const r = runDiffStep(2, '', 'error: unknown revision "origin/main"\n');
    assert.equal(r.status, 2);
    assert.equal(r.diffMd, [
      '<!-- meshfleet-diff -->',
      '### Fleet diff failed',
      '',
      '`npm run diff` against `origin/main` exited with 2; no diff until this is fixed:',
      '',
      '~~~~',
      'error: unknown revision "origin/main"',
      '~~~~',
      '',
    ].join('\n'));
    assert.equal(r.summary, r.diffMd);
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'))!;
    assert.match(comment.if!, /steps\.diff\.outcome == 'failure'/, 'the comment step runs after a failed diff');
    assert.match(comment.with!.script as string, /readFileSync\('diff\.md'/);
  });

  test('changes (exit 1) are not a failure: the diff itself is the comment', () => {
    const r = runDiffStep(1, '<!-- meshfleet-diff -->\n### 1 cluster changed\n', '');
    assert.equal(r.status, 0);
    assert.equal(r.diffMd, '<!-- meshfleet-diff -->\n### 1 cluster changed\n');
  });
});
