/**
 * A fresh clone installs quietly (issue 15): no package that `npm ci` installs from the lockfile
 * declares a Node it would refuse (npm's EBADENGINE warning), neither the Node running the tests
 * nor the oldest Node that package.json's engines promises to support.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';
import { ROOT, readText } from './helpers.ts';

interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly engines?: { readonly node?: string };
}

test('every package in package-lock.json accepts this Node and the oldest Node package.json allows', () => {
  const manifest = JSON.parse(readText(join(ROOT, 'package.json'))) as { engines: { node: string } };
  const oldest = semver.minVersion(manifest.engines.node);
  assert.ok(oldest, `package.json engines.node ${manifest.engines.node} allows no version`);
  assert.ok(semver.satisfies(process.version, manifest.engines.node), `package.json engines.node ${manifest.engines.node} refuses ${process.version}`);
  const lock = JSON.parse(readText(join(ROOT, 'package-lock.json'))) as { packages: Record<string, LockEntry> };
  const refused: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const range = entry.engines?.node;
    if (!range) continue;
    for (const node of [process.version, `v${oldest.version}`]) {
      if (!semver.satisfies(node, range)) refused.push(`${path || '(root)'}@${entry.version}: node ${range} refuses ${node}`);
    }
  }
  assert.deepEqual(refused, []);
});
