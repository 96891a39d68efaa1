/**
 * The Istio upgrade docs/istio-upgrade.md walks: the default fleet from Istio 1.29.6 to 1.30.3 as
 * a revisioned canary, one config commit per step. Each step is the `mesh.istio` block (and the
 * app's tag) of config/fleet.yaml as it is at that step; the last step is config/fleet.yaml
 * itself. The docs test renders the diff of each step with the tool and compares it with the
 * docs; `npm run verify:charts` renders every step with the real charts of both releases.
 */

export interface UpgradeStep {
  /** Short name, as the docs' headings use it. */
  readonly title: string;
  /** The `istio:` block under `mesh:`, indented as in config/fleet.yaml. */
  readonly istio: string;
  /** The revision tag bookinfo follows; the default tag when undefined. */
  readonly bookinfoTag?: string;
}

const block = (revisions: string[], tags: Record<string, string>): string => [
  '  istio:',
  '    charts: oci://ghcr.io/istio/release/charts',
  '    # Control-plane revisions run side by side; namespaces and gateways follow a tag, so an',
  '    # upgrade is: add a revision, move the tags to it, remove the old one (docs/istio-upgrade.md).',
  '    revisions:',
  ...revisions.map((r) => `      - { name: ${r.replaceAll('.', '-')}, version: ${r} }`),
  '    tags:',
  ...Object.entries(tags).map(([tag, revision]) => `      ${tag}: ${revision}`),
  '    defaultTag: prod-stable',
  '',
].join('\n');

export const UPGRADE_STEPS: readonly UpgradeStep[] = [
  { title: 'Before: every cluster on 1.29.6', istio: block(['1.29.6'], { 'prod-stable': '1-29-6' }) },
  { title: '1. Add the canary revision', istio: block(['1.29.6', '1.30.3'], { 'prod-stable': '1-29-6' }) },
  { title: '2. Point prod-canary at it, and move bookinfo to prod-canary', istio: block(['1.29.6', '1.30.3'], { 'prod-stable': '1-29-6', 'prod-canary': '1-30-3' }), bookinfoTag: 'prod-canary' },
  { title: '3. Move prod-stable, and bookinfo back to it', istio: block(['1.29.6', '1.30.3'], { 'prod-stable': '1-30-3', 'prod-canary': '1-30-3' }) },
  { title: '4. Remove the old revision and the canary tag', istio: block(['1.30.3'], { 'prod-stable': '1-30-3' }) },
];

/** The `istio:` block of config/fleet.yaml: from `  istio:` to the next key at its depth or above. */
const ISTIO_BLOCK = /^ {2}istio:\n(?: {4,}.*\n)*/m;
/** The line that names bookinfo's definition, after which its tag goes. */
const BOOKINFO = /^( {2}bookinfo:\n {4}definition: .*\n)/m;

/** config/fleet.yaml's text as it is at `step`. Throws when the file's shape no longer fits. */
export function fleetAtStep(fleetYaml: string, step: UpgradeStep): string {
  if (!ISTIO_BLOCK.test(fleetYaml)) throw new Error('config/fleet.yaml has no mesh.istio block');
  let text = fleetYaml.replace(ISTIO_BLOCK, step.istio);
  if (step.bookinfoTag) {
    if (!BOOKINFO.test(text)) throw new Error('config/fleet.yaml has no apps.bookinfo.definition line');
    text = text.replace(BOOKINFO, `$1    revisionTag: ${step.bookinfoTag}\n`);
  }
  return text;
}
