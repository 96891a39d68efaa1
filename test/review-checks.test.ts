/**
 * Fleet checks (`npm run check`): each check is quiet on the default fleet and every example, and
 * fires, with the object and the fix, on an input made to trip it. Range and primary problems are
 * rejected by the loader, so those checks get a crafted model; most others a config fixture or a
 * render with one object edited (what a hand edit or a renderer bug would leave in dist).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { renderFleet } from '../clusters/render.ts';
import { loadFleet } from '../config/load.ts';
import type { Fleet } from '../config/model.ts';
import {
  CHECKS,
  checkCalleeEndpoints,
  checkCallerServices,
  checkDistFresh,
  checkFluxPaths,
  checkHelmValues,
  checkIngressEndpoints,
  checkInput,
  checkMeshIdentity,
  checkOutlierDetection,
  checkOverlappingRanges,
  checkRemotePrimaries,
  checkSubsets,
  formatFinding,
  type Finding,
} from '../scripts/review/checks.ts';
import { writeTree } from '../scripts/lib/write-tree.ts';
import { DEFAULT_FLEET, EXAMPLES, ROOT, checksOf, checksOfRender, render, runCommand, tempDir } from './helpers.ts';

const FIXTURES = join(ROOT, 'test/fixtures/review');
const { fleet, rendered } = render(DEFAULT_FLEET);
const files = rendered.files;

/** Rewrites the YAML documents of one rendered file. */
function editDocs(source: ReadonlyMap<string, string>, path: string, edit: (docs: any[]) => any[]): Map<string, string> {
  const content = source.get(path);
  assert.ok(content, `rendered ${path}`);
  const docs = parseAllDocuments(content).map((d) => d.toJS());
  return new Map(source).set(path, edit(docs).map((d) => stringify(d)).join('---\n'));
}

/** Applies `edit` to the object of `kind`/`name` in a rendered file. */
const editObject = (source: ReadonlyMap<string, string>, path: string, kind: string, name: string, edit: (o: any) => void) =>
  editDocs(source, path, (docs) => {
    const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
    assert.ok(doc, `${kind} ${name} in ${path}`);
    edit(doc);
    return docs;
  });

const withoutObject = (source: ReadonlyMap<string, string>, path: string, kind: string, name: string) =>
  editDocs(source, path, (docs) => {
    assert.ok(docs.some((d) => d.kind === kind && d.metadata.name === name), `${kind} ${name} in ${path}`);
    return docs.filter((d) => !(d.kind === kind && d.metadata.name === name));
  });

const run = (check: (input: ReturnType<typeof checkInput>) => Finding[], model: Fleet, source: ReadonlyMap<string, string>) => check(checkInput(model, source));

describe('fleet checks are quiet on the default fleet and every example', () => {
  for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
    test(file.replace(ROOT, ''), () => {
      const r = render(file);
      assert.deepEqual(checksOf(r.fleet, r.rendered).map(formatFinding), []);
    });
  }

  test('every check has an id and a title, each id once', () => {
    assert.equal(new Set(CHECKS.map((c) => c.id)).size, CHECKS.length);
    assert.ok(CHECKS.length >= 10);
  });
});

describe('each check fires on an input made to trip it', () => {
  test('overlapping-ranges: a pod range inside another cluster\'s (crafted model: the loader rejects it)', () => {
    const clusters = fleet.clusters.map((c) => (c.name === 'saopaulo' ? { ...c, ranges: { ...c.ranges, pods: '10.101.0.0/16' } } : c));
    const findings = run(checkOverlappingRanges, { ...fleet, clusters }, new Map());
    assert.deepEqual(findings.map(formatFinding), [
      `error ${fleet.file} clusters[1].ranges.pods: saopaulo pods range 10.101.0.0/16 overlaps frankfurt pods range 10.100.0.0/14; pods route to each other directly, so their addresses must be unique in the fleet (fix: give saopaulo a pods range disjoint from every other range of the fleet)`,
    ]);
  });

  test('remote-primary: a remote whose primary is missing, or is itself a remote (crafted model)', () => {
    const missing = fleet.clusters.map((c) => (c.name === 'saopaulo' ? { ...c, controlPlane: 'lisbon' } : c));
    const [finding] = run(checkRemotePrimaries, { ...fleet, clusters: missing }, new Map());
    assert.equal(finding?.where, `${fleet.file} clusters[1].primary`);
    assert.equal(finding?.message, 'remote saopaulo names primary lisbon, which is not a cluster of the fleet: no istiod serves it, so its pods get no sidecars and no config');
    assert.equal(finding?.fix, 'set primary: to one of frankfurt, or make saopaulo a primary');
    const chained = [...fleet.clusters, { ...fleet.clusters[1]!, name: 'santiago', controlPlane: 'saopaulo' }];
    assert.match(run(checkRemotePrimaries, { ...fleet, clusters: chained }, new Map())[0]!.message, /^remote santiago names saopaulo as its primary, which is itself a remote/);
  });

  test('mesh-identity: a cluster with another mesh id, a primary with another trust domain, a foreign principal', () => {
    let edited = editObject(files, 'clusters/saopaulo/istiod/istiod.yaml', 'HelmRelease', 'istiod-1-30-3', (hr) => { hr.spec.values.global.meshID = 'mesh2'; });
    edited = editObject(edited, 'clusters/frankfurt/istiod/istiod.yaml', 'HelmRelease', 'istiod-1-30-3', (hr) => { hr.spec.values.meshConfig.trustDomain = 'example.org'; });
    edited = editObject(edited, 'clusters/frankfurt/apps/bookinfo-authorization.yaml', 'AuthorizationPolicy', 'ratings-from-reviews', (p) => {
      p.spec.rules[0].from[0].source.principals = ['old.domain/ns/bookinfo/sa/bookinfo-reviews'];
    });
    const findings = run(checkMeshIdentity, fleet, edited);
    assert.deepEqual(findings.map((f) => f.where), ['frankfurt/HelmRelease/istio-system/istiod-1-30-3', 'saopaulo/HelmRelease/istio-system/istiod-1-30-3', 'frankfurt/AuthorizationPolicy/bookinfo/ratings-from-reviews']);
    assert.match(findings[0]!.message, /^meshConfig\.trustDomain is "example\.org", but the fleet's \(mesh\.trustDomain\) is "cluster\.local"/);
    assert.match(findings[1]!.message, /^global\.meshID is "mesh2", but the fleet's mesh id \(mesh\.id\) is "mesh1"; clusters with different mesh ids do not form one mesh/);
    assert.match(findings[2]!.message, /^principal old\.domain\/ns\/bookinfo\/sa\/bookinfo-reviews names a trust domain other than the fleet's "cluster\.local"/);
  });

  test('caller-service: saopaulo\'s reviews-v3 calls ratings, but saopaulo has no ratings Service', () => {
    const edited = withoutObject(files, 'clusters/saopaulo/apps/bookinfo-services.yaml', 'Service', 'ratings');
    assert.deepEqual(run(checkCallerServices, fleet, edited).map(formatFinding), [
      "error saopaulo/Deployment/bookinfo/reviews-v3: reviews calls ratings, but saopaulo has no Service bookinfo/ratings; the name does not resolve in the caller's cluster, so every call fails although ratings may run elsewhere (fix: render Service bookinfo/ratings in saopaulo: run npm run synth, which adds every Service a cluster's workloads call (servicesNeeded in config/model.ts))",
    ]);
  });

  test('callee-endpoints: ratings scaled to 0 everywhere (config fixture no-ratings.yaml)', () => {
    const model = loadFleet(join(FIXTURES, 'no-ratings.yaml'));
    const findings = checksOfRender(model);
    assert.deepEqual(findings.map((f) => [f.check, f.where]), [['callee-endpoints', 'frankfurt/Deployment/bookinfo/reviews-v1']]);
    assert.match(findings[0]!.message, /^reviews calls ratings, which has no running pod in any cluster/);
    assert.match(findings[0]!.fix, /apps\.bookinfo\.placement in .*no-ratings\.yaml$/);
  });

  test('subsets: weights route to v3, but no reviews-v3 Deployment is left anywhere', () => {
    const weighted = { ...fleet, apps: fleet.apps.map((a) => ({ ...a, services: a.services.map((s) => (s.name === 'reviews' ? { ...s, weights: { v1: 40, v2: 40, v3: 20 } } : s)) })) };
    const source = renderFleet(weighted).files;
    assert.deepEqual(run(checkSubsets, weighted, source), [], 'every subset matches while v3 runs');
    const edited = withoutObject(source, 'clusters/saopaulo/apps/bookinfo-workloads.yaml', 'Deployment', 'reviews-v3');
    assert.deepEqual(run(checkSubsets, weighted, edited).map(formatFinding), [
      `error frankfurt/DestinationRule/bookinfo/reviews: subset v3 selects reviews pods with version=v3, but no Deployment in any cluster has them (reviews runs as reviews-v1, reviews-v2); traffic routed to it fails with 503 (fix: place a reviews workload with version=v3 in some cluster, or stop routing to subset v3: apps.<app>.traffic.reviews.weights in ${fleet.file})`,
    ]);
  });

  test('outlier-detection: failover without outlierDetection is an error, plain locality a warning, inherited detection is fine', () => {
    const path = 'clusters/frankfurt/apps/bookinfo-traffic.yaml';
    let edited = editObject(files, path, 'DestinationRule', 'details', (dr) => { delete dr.spec.trafficPolicy.outlierDetection; });
    edited = editObject(edited, path, 'DestinationRule', 'ratings', (dr) => {
      delete dr.spec.trafficPolicy.outlierDetection;
      dr.spec.trafficPolicy.loadBalancer.localityLbSetting = { enabled: true };
    });
    edited = editObject(edited, path, 'DestinationRule', 'productpage', (dr) => {
      dr.spec.subsets = [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: dr.spec.trafficPolicy.loadBalancer } }];
    });
    const findings = run(checkOutlierDetection, fleet, edited);
    assert.deepEqual(findings.map((f) => [f.severity, f.where]), [
      ['error', 'frankfurt/DestinationRule/bookinfo/details'],
      ['warning', 'frankfurt/DestinationRule/bookinfo/ratings'],
    ]);
    assert.match(findings[0]!.message, /^trafficPolicy sets locality failover but no outlierDetection; Istio then ignores locality and balances over every region evenly/);
  });

  test('helm-values: a key the pinned istiod chart does not have', () => {
    const edited = editObject(files, 'clusters/frankfurt/istiod/istiod.yaml', 'HelmRelease', 'istiod-1-30-3', (hr) => { hr.spec.values.global.meshId = 'mesh1'; });
    const findings = run(checkHelmValues, fleet, edited);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.where, 'frankfurt/HelmRelease/istio-system/istiod-1-30-3');
    assert.match(findings[0]!.message, /^values key global\.meshId does not exist in the pinned istiod chart \(.+\); Helm ignores it silently$/);
  });

  test('flux-paths: a layer path that does not exist, one in another cluster\'s folder, a missing dependency', () => {
    let edited = editObject(files, 'clusters/frankfurt/apps.yaml', 'Kustomization', 'apps', (k) => { k.spec.path = './dist/clusters/frankfurt/application'; });
    edited = editObject(edited, 'clusters/saopaulo/istiod.yaml', 'Kustomization', 'istiod', (k) => { k.spec.path = './dist/clusters/frankfurt/istiod'; });
    edited = editObject(edited, 'clusters/frankfurt/mesh.yaml', 'Kustomization', 'mesh', (k) => { k.spec.dependsOn = [{ name: 'gateway' }]; });
    assert.deepEqual(run(checkFluxPaths, fleet, edited).map((f) => `${f.where}: ${f.message}`), [
      'frankfurt/Kustomization/flux-system/apps: spec.path ./dist/clusters/frankfurt/application does not exist in the rendered dist, so Flux fails to build it',
      'frankfurt/Kustomization/flux-system/mesh: dependsOn flux-system/gateway, which is not a Kustomization of frankfurt, so Flux never applies this layer',
      "saopaulo/Kustomization/flux-system/istiod: spec.path ./dist/clusters/frankfurt/istiod is outside saopaulo's folder; its GitRepository keeps only ./dist/clusters/saopaulo in the artifact",
    ]);
    const elsewhere = checkFluxPaths(checkInput(fleet, files, { distInRepo: 'deploy' }));
    assert.ok(elsewhere.length > 0 && elsewhere.every((f) => f.message.endsWith('is not inside ./deploy/, where meshfleet renders this cluster')));
  });

  test('ingress-endpoints: productpage scaled to 0 (config fixture no-frontend.yaml)', async () => {
    const model = loadFleet(join(FIXTURES, 'no-frontend.yaml'));
    assert.deepEqual(checksOfRender(model).map(formatFinding), [
      `error frankfurt/VirtualService/bookinfo/bookinfo: the ingress gateways in frankfurt route to productpage.bookinfo, which has no running pod in any cluster; users get 503 no healthy upstream (fix: place a productpage workload with at least one replica in some cluster: apps.bookinfo.placement in ${model.file})`,
    ]);
    assert.deepEqual(run(checkIngressEndpoints, fleet, files), []);
  });

  test('callee-endpoints and ingress-endpoints count an autoscaled Deployment as running', async () => {
    const model = loadFleet(join(FIXTURES, 'no-frontend.yaml'));
    const autoscaled = { ...model, apps: model.apps.map((a) => ({ ...a, placements: a.placements.map((p) => (p.workload.name === 'productpage-v1' ? { ...p, replicas: undefined, autoscaling: { min: 1, max: 3, targetCpu: 80 } } : p)) })) };
    const source = renderFleet(autoscaled).files;
    assert.deepEqual([...run(checkIngressEndpoints, autoscaled, source), ...run(checkCalleeEndpoints, autoscaled, source)], []);
  });

  test('dist-fresh: changed, missing and foreign files', async () => {
    const onDisk = new Map(files);
    onDisk.set('clusters/frankfurt/apps.yaml', 'edited by hand\n');
    onDisk.delete('FLEET.md');
    onDisk.set('clusters/frankfurt/old.yaml', 'x\n');
    assert.deepEqual(checkDistFresh(onDisk, files, 'dist', 'config/fleet.yaml').map(formatFinding), [
      'error dist/FLEET.md: missing: a fresh render of config/fleet.yaml has it (fix: run npm run synth and commit dist/)',
      'error dist/clusters/frankfurt/apps.yaml: stale: differs from a fresh render of config/fleet.yaml (fix: run npm run synth and commit dist/)',
      'error dist/clusters/frankfurt/old.yaml: stale: is not in a fresh render of config/fleet.yaml (fix: run npm run synth and commit dist/)',
    ]);
    assert.deepEqual(checkDistFresh(files, files, 'dist', 'config/fleet.yaml'), []);
  });
});

const runCheck = (args: string[], cwd = ROOT) => runCommand('check', args, cwd);

describe('check CLI', { concurrency: true }, () => {
  test('--help lists every check', async () => {
    const r = await runCheck(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: npm run check -- \[--config FILE\] \[--dist DIR\]/);
    for (const check of [...CHECKS.map((c) => c.id), 'dist-fresh']) assert.match(r.stdout, new RegExp(`\n  ${check} `));
  });

  test('a fresh dist: no finding, exit 0; a stale one: exit 1 naming the file', async () => {
    // What `npm run synth --out` writes (the render it makes, written as it writes it).
    const out = join(tempDir(), 'dist');
    writeTree(out, rendered.files);
    const fresh = await runCheck(['--config', DEFAULT_FLEET, '--dist', out]);
    assert.equal(fresh.status, 0, fresh.stdout + fresh.stderr);
    assert.match(fresh.stdout, /^check: .*fleet\.yaml, 2 clusters, \d+ objects, \d+ checks \+ .*dist freshness: 0 errors, 0 warnings\n$/);
    const file = join(out, 'clusters/saopaulo/apps.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('interval: 10m', 'interval: 1m'));
    const stale = await runCheck(['--config', DEFAULT_FLEET, '--dist', out]);
    assert.equal(stale.status, 1);
    assert.match(stale.stdout, /^error .*dist\/clusters\/saopaulo\/apps\.yaml: stale: differs from a fresh render of .*fleet\.yaml \(fix: run npm run synth and commit .*dist\/\)\n/);
    assert.match(stale.stdout, /: 1 error, 0 warnings\n$/);
  });

  test('a config that trips a check: exit 1, one line per finding, then the summary', async () => {
    const r = await runCheck(['--config', 'test/fixtures/review/no-frontend.yaml']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout.split('\n').length, 3);
    assert.match(r.stdout, /^error frankfurt\/VirtualService\/bookinfo\/bookinfo: the ingress gateways in frankfurt route to productpage\.bookinfo/);
    assert.match(r.stdout, /\ncheck: test\/fixtures\/review\/no-frontend\.yaml, 2 clusters, \d+ objects, \d+ checks: 1 error, 0 warnings\n$/);
  });

  test('invalid config: exit 1 with the loader\'s problem lines; a missing --dist: exit 2', async () => {
    const bad = join(tempDir(), 'fleet.yaml');
    writeFileSync(bad, readFileSync(DEFAULT_FLEET, 'utf8').replace('role: remote', 'role: satellite'));
    const r = await runCheck(['--config', bad]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /fleet\.yaml:\d+:\d+ clusters\[1\]\.role: invalid value \(got "satellite", expected primary or remote\)\n/);
    assert.equal((await runCheck(['--dist', join(tempDir(), 'nope')])).status, 2);
  });
});
