/**
 * npm run verify:charts -- [--tool FILE] [--kubectl FILE] [--config FILE ...] [--step N ...] [--objects]
 * Renders every Istio HelmRelease of the default fleet, the examples and each step of the
 * documented Istio upgrade with the real upstream charts (through the shared render tool, which
 * runs helm as helm-controller would), applies each release's post-renderers with kubectl's
 * kustomize, and checks what a live GKE fleet depends on in the objects that result (scripts/verify/).
 * A verification step for changes to Istio values, not part of `npm test`: it needs the tool and
 * the charts outside this repository, helm and kubectl.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_FLEET_FILE } from '../config/default-fleet.ts';
import { parseCli, runMain } from './lib/cli.ts';
import { UPGRADE_STEPS } from './docs/istio-upgrade-steps.ts';
import { clusterProblems, clusterScopedByRelease, ownerChangeProblems, ownersOf } from './verify/checks.ts';
import { defaultFleetFiles, fileTarget, stepTarget, upgradeStepTargets, type FleetTarget } from './verify/fleets.ts';
import { renderWithCharts } from './verify/render.ts';

const DEFAULT_TOOL = '../shared/tools/render-istio-charts.mjs';
/** Where get-helm.sh unpacks helm; kubectl comes in the same package. */
const TOOLS_KUBECTL = join(process.env.MESHFLEET_TOOLS ?? join(homedir(), '.cache/meshfleet-tools'), 'layer/kubectl/kubectl');
const USAGE = `Usage: npm run verify:charts -- [--tool FILE] [--kubectl FILE] [--config FILE ...] [--step N ...] [--objects]

Renders each fleet's Istio HelmReleases with the real charts of their version, applies each
release's postRenderers with kubectl's kustomize (as helm-controller does), and checks per cluster:
  every cluster   no object is rendered by two releases (or by a release and dist), nor moves
                  to another owner from one upgrade step to the next (Helm would not adopt it);
                  each tag's release keeps only MutatingWebhookConfiguration
                  istio-revision-tag-<tag> and Service istiod-revision-tag-<tag>, labelled
                  istio.io/rev: <its revision>, calling Service istiod-<revision> (/inject; a
                  remote: its injection path) for namespaces labelled istio.io/rev: <tag>;
                  base's istiod-default-validator calls istiod-<default tag's revision>; every
                  app Namespace follows a tag with a webhook here, and the pods of every app and
                  gateway Deployment are selected by exactly one injection webhook, which calls
                  the istiod of the revision they should run (an app's: its tag's, which its
                  pods' meshfleet.io/istio-revision names; a gateway's: its istio.io/rev label,
                  a revision the fleet runs, its tag's)
  every primary   a Deployment istiod-<revision> per revision, its pods labelled istio.io/rev:
                  <revision>; validating webhooks fail closed (istiod manages them); serving
                  remotes: VirtualService istiod-vs-<revision> per revision routes SNI
                  istiod-<revision>.istio-system.svc on 15012 and 15017, through a Gateway
                  listening on them, to a port of the Service istiod-<revision> rendered here
                  whose target is the same port
  every remote    no fail-closed validating webhook (no istiod patches them there); per revision,
                  istio-sidecar-injector-<revision> calls Service istiod-<revision>, whose v1
                  Endpoints (from dist) and EndpointSlice (from the chart, labelled with the
                  Service's name) are the primary's east-west address on the Service's target ports
Prints one line per cluster of each fleet, and its problems.

Options:
  -t, --tool FILE     the render tool (default: ${DEFAULT_TOOL}, run from the repository root)
  -k, --kubectl FILE  kubectl with kustomize v5 (default: kubectl on PATH, else
                      ${TOOLS_KUBECTL}, which comes with get-helm.sh's helm)
  -c, --config FILE   a fleet file; repeatable
  -s, --step N        step N (0-${UPGRADE_STEPS.length - 1}) of the documented Istio upgrade (scripts/docs/istio-upgrade-steps.ts),
                      applied to ${DEFAULT_FLEET_FILE}; repeatable
      --objects       also list each release's cluster-scoped objects
  -h, --help          show this help
Without --config and --step: ${DEFAULT_FLEET_FILE}, config/examples/*.yaml and every upgrade step.

Exit codes: 0 every check holds, 1 a check failed or a chart did not render, 2 bad usage
(no render tool, no kubectl with kustomize v5, no such step).`;

/** kubectl's kustomize version (`v5.5.0`), or undefined when `kubectl` does not run. */
function kustomizeVersion(kubectl: string): string | undefined {
  const run = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' });
  return run.status === 0 ? /Kustomize Version: (v[\d.]+)/.exec(run.stdout)?.[1] : undefined;
}

await runMain(() => {
  const args = parseCli(process.argv.slice(2), {
    tool: { type: 'string', short: 't' },
    kubectl: { type: 'string', short: 'k' },
    config: { type: 'string', short: 'c', multiple: true },
    step: { type: 'string', short: 's', multiple: true },
    objects: { type: 'boolean' },
  }, USAGE);
  const usageError = (message: string) => {
    process.stderr.write(`verify:charts: ${message}\n`);
    return 2;
  };
  const tool = resolve(args.tool ?? DEFAULT_TOOL);
  if (!existsSync(tool)) return usageError(`no render tool at ${tool} (give one with --tool)`);
  const kubectl = args.kubectl ?? (kustomizeVersion('kubectl') ? 'kubectl' : TOOLS_KUBECTL);
  const kustomize = kustomizeVersion(kubectl);
  if (!kustomize?.startsWith('v5.')) return usageError(`${kubectl} ${kustomize ? `has kustomize ${kustomize}` : 'does not run'}, kustomize v5 is needed (give kubectl with --kubectl)`);
  let targets: FleetTarget[];
  try {
    targets = args.config || args.step
      ? [...(args.config ?? []).map(fileTarget), ...(args.step ?? []).map((s) => stepTarget(/^\d+$/.test(s) ? Number(s) : Number.NaN, s))]
      : [...defaultFleetFiles().map(fileTarget), ...upgradeStepTargets()];
  } catch (err) {
    return usageError((err as Error).message);
  }

  process.stdout.write(`post-renderers: ${kubectl} kustomize (${kustomize})\n`);
  const work = mkdtempSync(join(tmpdir(), 'meshfleet-verify-'));
  let passed = 0;
  let failed = 0;
  /** Who owns what in each cluster at the last upgrade step verified, to compare the next step with. */
  let lastStep: { step: number; owners: Map<string, Map<string, string[]>> } | undefined;
  try {
    targets.forEach((target, i) => {
      process.stdout.write(`== ${target.label}${target.title ? `: ${target.title}` : ''}\n`);
      const dir = join(work, String(i));
      mkdirSync(dir);
      const fleet = target.load(dir);
      const result = renderWithCharts(fleet, { tool, kubectl, work: dir });
      if (!result.ok) {
        process.stdout.write(`FAIL ${target.label}: the charts did not render\n${result.output}`);
        failed++;
        return;
      }
      const before = target.step !== undefined && lastStep?.step === target.step - 1 ? lastStep.owners : undefined;
      const owners = new Map<string, Map<string, string[]>>();
      for (const cluster of fleet.clusters) {
        const { rendered, problems: renderProblems } = result.clusters.get(cluster.name)!;
        owners.set(cluster.name, ownersOf(rendered));
        const moved = before?.get(cluster.name) ? ownerChangeProblems(before.get(cluster.name)!, owners.get(cluster.name)!).map((p) => `from step ${target.step! - 1}: ${p}`) : [];
        const problems = [...renderProblems, ...clusterProblems(fleet, cluster, rendered), ...moved];
        const objects = rendered.releases.reduce((n, r) => n + r.objects.length, 0);
        if (problems.length > 0) failed++;
        else passed++;
        process.stdout.write(`${problems.length ? 'FAIL' : 'ok  '} ${target.label} ${cluster.name} (${cluster.role}, ${rendered.releases.length} releases, ${objects} objects after post-render)${problems.map((p) => `\n     - ${p}`).join('')}\n`);
        if (args.objects) {
          for (const { release, objects: names } of clusterScopedByRelease(rendered.releases)) process.stdout.write(`     ${release}: ${names.join(', ') || '(none)'}\n`);
        }
      }
      if (target.step !== undefined) lastStep = { step: target.step, owners };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${passed} ok, ${failed} failed (${targets.length} fleets)${failed === 0 ? ': every check holds' : ''}\n`);
  return failed === 0 ? 0 : 1;
});
