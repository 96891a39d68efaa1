/**
 * npm run verify:charts -- [--tool FILE] [--config FILE ...]
 * Renders every Istio HelmRelease of the default fleet and the examples with the real upstream
 * charts (through the shared render tool, which runs helm as helm-controller would) and checks
 * what a live GKE fleet depends on in the objects the charts really produce. A verification step
 * for changes to Istio values, not part of `npm test`: it needs the tool and the charts outside
 * this repository, and helm.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderFleet } from '../clusters/render.ts';
import { DEFAULT_FLEET_FILE, loadFleet } from '../config/load.ts';
import { findCluster, type Cluster, type Fleet } from '../config/model.ts';
import { parseCli, runMain } from './lib/cli.ts';

const DEFAULT_TOOL = '../shared/tools/render-istio-charts.mjs';
const USAGE = `Usage: npm run verify:charts -- [--tool FILE] [--config FILE ...]

Renders each fleet's Istio HelmReleases with the real charts of their version and checks:
  every primary   runs istiod; its validating webhooks fail closed (istiod manages them)
  every remote    no fail-closed validating webhook (no istiod patches them there); the
                  injection webhook calls the istiod Service, whose v1 Endpoints (from dist)
                  and EndpointSlice (from the chart) are the primary's east-west address
                  on the Service's target ports

Options:
  -t, --tool FILE    the render tool (default: ${DEFAULT_TOOL}, run from the repository root)
  -c, --config FILE  a fleet file; repeatable (default: ${DEFAULT_FLEET_FILE} and config/examples/*.yaml)
  -h, --help         show this help

Exit codes: 0 every check holds, 1 a check failed or a chart did not render, 2 bad usage.`;

type Obj = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

const parseObjects = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => !!o?.kind);

function yamlFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml') && !e.name.endsWith('.values.yaml'))
    .map((e) => join(e.parentPath, e.name));
}

/** What one cluster's charts rendered, plus its own dist objects. */
function problemsOf(fleet: Fleet, cluster: Cluster, chartObjects: Obj[], distObjects: Obj[]): string[] {
  const problems: string[] = [];
  const validating = chartObjects.filter((o) => o.kind === 'ValidatingWebhookConfiguration');
  const policies = validating.flatMap((v) => (v.webhooks as { failurePolicy?: string }[]).map((w) => `${v.metadata.name}:${w.failurePolicy ?? 'Fail (API default)'}`));
  if (cluster.role === 'primary') {
    if (!chartObjects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'istiod')) problems.push('no istiod Deployment');
    if (policies.some((p) => !p.endsWith(':Fail'))) problems.push(`validating webhooks not Fail: ${policies.join(', ')}`);
    return problems;
  }
  if (policies.some((p) => p.includes('Fail'))) problems.push(`fail-closed validating webhook in a remote: ${policies.join(', ')}`);
  const address = findCluster(fleet, cluster.controlPlane).eastWestAddress;
  const service = chartObjects.find((o) => o.kind === 'Service' && o.metadata.name === 'istiod');
  if (!service) return [...problems, 'no istiod Service'];
  if (service.spec.selector) problems.push('the istiod Service has a selector');
  for (const mwc of chartObjects.filter((o) => o.kind === 'MutatingWebhookConfiguration')) {
    for (const w of mwc.webhooks as { clientConfig: { service?: { name: string; port?: number } } }[]) {
      if (w.clientConfig.service?.name !== 'istiod') problems.push(`${mwc.metadata.name}: webhook does not call the istiod Service`);
      else if (!(service.spec.ports as { port: number }[]).some((p) => p.port === (w.clientConfig.service!.port ?? 443))) problems.push(`${mwc.metadata.name}: port ${w.clientConfig.service.port} not on the istiod Service`);
    }
  }
  const targets = (service.spec.ports as { name: string; port: number; targetPort?: number }[]).map((p) => `${p.name}:${p.targetPort ?? p.port}`).sort();
  const endpoints = distObjects.find((o) => o.kind === 'Endpoints' && o.metadata.name === 'istiod');
  if (!endpoints) problems.push('no v1 Endpoints istiod in dist');
  else {
    const subset = endpoints.subsets[0] as { addresses: { ip: string }[]; ports: { name: string; port: number }[] };
    if (subset.addresses.map((a) => a.ip).join() !== address) problems.push(`Endpoints istiod at ${subset.addresses.map((a) => a.ip)}, expected ${address}`);
    const ports = subset.ports.map((p) => `${p.name}:${p.port}`).sort();
    if (ports.join() !== targets.join()) problems.push(`Endpoints ports ${ports} do not match the Service's targets ${targets}`);
  }
  const slice = chartObjects.find((o) => o.kind === 'EndpointSlice' && o.metadata.name === 'istiod');
  if (slice && (slice.endpoints as { addresses: string[] }[])[0]?.addresses.join() !== address) problems.push('the chart\'s EndpointSlice is not at the primary\'s east-west address');
  return problems;
}

await runMain(() => {
  const args = parseCli(process.argv.slice(2), {
    tool: { type: 'string', short: 't' },
    config: { type: 'string', short: 'c', multiple: true },
  }, USAGE);
  const tool = resolve(args.tool ?? DEFAULT_TOOL);
  if (!existsSync(tool)) {
    process.stderr.write(`verify:charts: no render tool at ${tool} (give one with --tool)\n`);
    return 2;
  }
  const configs = args.config ?? [DEFAULT_FLEET_FILE, ...readdirSync('config/examples').filter((f) => f.endsWith('.yaml')).sort().map((f) => `config/examples/${f}`)];
  const work = mkdtempSync(join(tmpdir(), 'meshfleet-verify-'));
  let failed = 0;
  try {
    for (const config of configs) {
      const fleet = loadFleet(config);
      const dist = join(work, relative('.', config).replace(/[/.]/g, '_'), 'dist');
      for (const [path, content] of renderFleet(fleet).files) {
        mkdirSync(dirname(join(dist, path)), { recursive: true });
        writeFileSync(join(dist, path), content);
      }
      const out = join(dirname(dist), 'charts');
      const run = spawnSync(process.execPath, [tool, dist, out], { encoding: 'utf8' });
      if (run.status !== 0) {
        process.stdout.write(`FAIL ${config}: the charts did not render\n${run.stdout}${run.stderr}`);
        failed++;
        continue;
      }
      for (const cluster of fleet.clusters) {
        const chartObjects = yamlFilesIn(join(out, cluster.name)).flatMap((f) => parseObjects(readFileSync(f, 'utf8')));
        const distObjects = yamlFilesIn(join(dist, 'clusters', cluster.name)).flatMap((f) => parseObjects(readFileSync(f, 'utf8')));
        const problems = problemsOf(fleet, cluster, chartObjects, distObjects);
        failed += problems.length > 0 ? 1 : 0;
        process.stdout.write(`${problems.length ? 'FAIL' : 'ok  '} ${config} ${cluster.name} (${cluster.role}, ${chartObjects.length} chart objects)${problems.map((p) => `\n     - ${p}`).join('')}\n`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${failed === 0 ? 'every check holds' : `${failed} failed`}\n`);
  return failed === 0 ? 0 : 1;
});
