/**
 * docs/istio-upgrade.md walks the default fleet from Istio 1.29.6 to 1.30.3 (the steps of
 * scripts/docs/istio-upgrade-steps.ts) and shows, for each step, its config and what
 * `npm run diff` prints for it, and what `npm run check -- --base` prints for the unsafe shortcuts.
 * Each is made again here, in process, with the same code, and must match the docs byte for byte.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { requestPaths } from '../clusters/routing.ts';
import type { Fleet } from '../config/model.ts';
import { UPGRADE_STEPS } from '../scripts/docs/istio-upgrade-steps.ts';
import { diffRendered } from '../scripts/review/fleet-diff.ts';
import { formatFinding } from '../scripts/review/findings.ts';
import { formatText } from '../scripts/review/format-diff.ts';
import { istioStepFindings } from '../scripts/review/istio-steps.ts';
import { ROOT } from './helpers.ts';
import { upgradeSteps } from './upgrade-steps.ts';

const docs = readFileSync(join(ROOT, 'docs/istio-upgrade.md'), 'utf8');

// The default fleet at each step, named config/fleet.yaml as in the repository (a render does not
// depend on the file's name, so each step's render is the shared one).
const fleets: Fleet[] = upgradeSteps().map((s) => ({ ...s.fleet, file: 'config/fleet.yaml' }));
const sides = fleets.map((fleet, i) => ({ files: upgradeSteps()[i]!.rendered.files, paths: requestPaths(fleet) }));

/** The fenced block of `lang` that follows `intro` in the docs. */
function shown(intro: string, lang: string): string {
  const at = docs.indexOf(intro);
  assert.ok(at >= 0, `docs/istio-upgrade.md has ${intro}`);
  const fence = `\`\`\`${lang}\n`;
  const start = docs.indexOf(fence, at) + fence.length;
  assert.ok(start >= fence.length, `a ${lang} block follows ${intro}`);
  return docs.slice(start, docs.indexOf('\n```\n', start));
}

/** What `npm run diff` prints at step `i`: HEAD holds step i-1, the working tree step i. */
function diffAt(i: number): string {
  const labels = { base: 'HEAD', head: 'working tree', config: 'config/fleet.yaml' };
  return formatText(diffRendered(sides[i - 1]!.files, sides[i]!.files, { base: sides[i - 1]!.paths, head: sides[i]!.paths }), labels).trimEnd();
}

/** The mesh.istio block (and bookinfo's tag) of step `i`, as the docs show it. */
const configAt = (i: number): string => [UPGRADE_STEPS[i]!.istio.trimEnd(), ...(UPGRADE_STEPS[i]!.bookinfoTag ? [`# apps.bookinfo:\n#   revisionTag: ${UPGRADE_STEPS[i]!.bookinfoTag}`] : [])].join('\n');

describe('docs/istio-upgrade.md shows what the tool prints at every step', () => {
  UPGRADE_STEPS.forEach((step, i) => {
    test(step.title, () => {
      assert.equal(shown(`### ${step.title}`, 'yaml'), configAt(i));
      if (i > 0) assert.equal(shown(`### ${step.title}`, 'text'), diffAt(i));
    });
  });

  test('the shortcuts check --base refuses', () => {
    const refused = (base: number, head: number) => istioStepFindings(fleets[base]!, fleets[head]!).map(formatFinding).join('\n');
    assert.equal(shown('**Steps 1 and 2 in one commit**', 'text'), refused(0, 2));
    assert.equal(shown('**Steps 3 and 4 in one commit**', 'text'), refused(2, 4));
  });
});
