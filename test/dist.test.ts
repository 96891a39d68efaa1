/**
 * The dist contract (DESIGN.md § dist contract): layout, Flux wiring, builds with kustomize,
 * determinism, locality of change, no secrets, current API versions, and dist/ is fresh.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { loadFleet } from '../config/load.ts';
import { renderFleet } from '../clusters/render.ts';
import { listFiles, writeTree } from '../scripts/lib/write-tree.ts';
import { DEFAULT_FLEET, EXAMPLES, ROOT, hasKubectl, kustomizeBuildAll, objectsOf, readText, render, tempDir } from './helpers.ts';

const FLEETS = [DEFAULT_FLEET, ...EXAMPLES];
const CURRENT_API_VERSIONS = new Set([
  'v1', 'apps/v1', 'policy/v1', 'autoscaling/v2',
  'source.toolkit.fluxcd.io/v1', 'kustomize.toolkit.fluxcd.io/v1', 'helm.toolkit.fluxcd.io/v2',
  'networking.istio.io/v1', 'security.istio.io/v1',
  'gateway.networking.k8s.io/v1', 'net.gke.io/v1', 'networking.gke.io/v1',
]);

/** Each fleet's render written out (see renderToRepo). */
const repos = new Map<string, string>();

/**
 * A fresh directory laid out like the repo (dist/ under a root) with the fleet rendered into it,
 * written once per fleet: the tests only read it.
 */
function renderToRepo(file: string): string {
  let root = repos.get(file);
  if (root === undefined) {
    root = tempDir();
    writeTree(join(root, 'dist'), render(file).rendered.files);
    repos.set(file, root);
  }
  return root;
}

for (const file of FLEETS) {
  const name = file.replace(`${ROOT}`, '');
  describe(`dist contract: ${name}`, () => {
    const { fleet, rendered } = render(file);

    test('each cluster entry lists only flux-system and the layer Kustomizations', () => {
      for (const cluster of fleet.clusters) {
        const root = parse(rendered.files.get(`clusters/${cluster.name}/kustomization.yaml`)!);
        const resources: string[] = root.resources;
        assert.equal(resources[0], 'flux-system');
        for (const entry of resources.slice(1)) {
          assert.match(entry, /^[a-z-]+\.yaml$/);
          const objects = parse(rendered.files.get(`clusters/${cluster.name}/${entry}`)!);
          assert.equal(objects.kind, 'Kustomization');
          assert.equal(objects.apiVersion, 'kustomize.toolkit.fluxcd.io/v1');
          assert.ok(rendered.files.has(`clusters/${cluster.name}/${entry.replace(/\.yaml$/, '')}/kustomization.yaml`), `${entry} has a folder`);
        }
      }
    });

    test('every Flux Kustomization path exists and every GitRepository narrows to its cluster', () => {
      const root = renderToRepo(file);
      for (const cluster of fleet.clusters) {
        for (const obj of objectsOf(rendered, cluster.name)) {
          if (obj.kind === 'Kustomization' && obj.apiVersion.startsWith('kustomize.toolkit.fluxcd.io')) {
            const path = (obj.spec as { path: string }).path;
            assert.ok(path.startsWith(`./dist/clusters/${cluster.name}`), `${path} stays in the cluster's folder`);
            assert.ok(existsSync(join(root, path, 'kustomization.yaml')), `${cluster.name}: ${path} exists`);
          }
          if (obj.kind === 'GitRepository') {
            assert.match((obj.spec as { ignore: string }).ignore, new RegExp(`!/dist/clusters/${cluster.name}/\\n`));
          }
        }
      }
    });

    test('layers depend on each other in order: base → istiod → gateways → mesh → apps', () => {
      const order = ['istio-base', 'istiod', 'gateways', 'mesh', 'apps'];
      for (const cluster of fleet.clusters) {
        const layers = objectsOf(rendered, cluster.name).filter((o) => o.kind === 'Kustomization' && o.metadata.name !== 'flux-system');
        for (const layer of layers) {
          const spec = layer.spec as { dependsOn?: { name: string }[]; wait: boolean; timeout: string; prune: boolean };
          assert.equal(spec.prune, true);
          assert.ok(spec.timeout);
          for (const dep of spec.dependsOn ?? []) {
            if (order.includes(layer.metadata.name)) assert.ok(order.indexOf(dep.name) < order.indexOf(layer.metadata.name), `${cluster.name}: ${layer.metadata.name} after ${dep.name}`);
          }
          if (layer.metadata.name !== 'istio-base') assert.ok((spec.dependsOn ?? []).length > 0, `${cluster.name}: ${layer.metadata.name} depends on something`);
        }
      }
    });

    test('no Secret carries data, and only current API versions are used', () => {
      for (const cluster of fleet.clusters) {
        for (const obj of objectsOf(rendered, cluster.name)) {
          assert.ok(CURRENT_API_VERSIONS.has(obj.apiVersion), `${obj.kind} ${obj.metadata.name}: ${obj.apiVersion}`);
          if (obj.kind === 'Secret') {
            assert.equal(obj.data, undefined, `${obj.metadata.name} has data`);
            assert.equal(obj.stringData, undefined, `${obj.metadata.name} has stringData`);
            assert.equal(obj.type, 'kubernetes.io/service-account-token');
          }
        }
      }
      for (const content of rendered.files.values()) assert.doesNotMatch(content, /PRIVATE KEY|BEGIN CERTIFICATE/);
    });

    test('every folder with a kustomization.yaml builds with kubectl kustomize', async (t) => {
      if (!hasKubectl()) {
        t.skip('kubectl not found: kustomize builds NOT checked');
        console.warn('NOTICE: kubectl not found; kustomize builds were not checked');
        return;
      }
      const root = renderToRepo(file);
      const dirs = [...listFiles(join(root, 'dist')).keys()].filter((p) => p.endsWith('/kustomization.yaml')).map((p) => p.replace(/\/kustomization\.yaml$/, ''));
      assert.ok(dirs.length >= fleet.clusters.length * 3);
      const built = await kustomizeBuildAll(dirs.map((dir) => join(root, 'dist', dir)));
      dirs.forEach((dir, i) => assert.ok(built[i]!.includes('kind:'), `${dir} builds to objects`));
    });
  });
}

describe('determinism and locality of change', () => {
  test('same config → byte-identical files, twice', () => {
    // The render the other tests share, and one of its own.
    const a = render(DEFAULT_FLEET).rendered.files;
    const b = renderFleet(loadFleet(DEFAULT_FLEET)).files;
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [path, content] of a) assert.equal(b.get(path), content, path);
  });

  test('editing one cluster changes only that cluster\'s folder (and the overview)', () => {
    const before = render(DEFAULT_FLEET).rendered.files;
    const edited = join(tempDir(), 'fleet.yaml');
    const text = readText(DEFAULT_FLEET).replace('    primary: frankfurt\n', '    primary: frankfurt\n    ingress: true\n');
    writeFileSync(edited, text.replace('definition: apps/', `definition: ${ROOT}config/apps/`));
    const after = renderFleet(loadFleet(edited)).files;
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p));
    assert.ok(changed.some((p) => p.startsWith('clusters/saopaulo/')), 'saopaulo changed');
    assert.deepEqual(changed.filter((p) => !p.startsWith('clusters/saopaulo/') && p !== 'FLEET.md'), []);
  });

  test('the committed dist/ is what synth renders from the committed config', () => {
    const fresh = render(DEFAULT_FLEET).rendered.files;
    const committed = listFiles(join(ROOT, 'dist'));
    assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort(), 'same files (run `npm run synth`)');
    for (const [path, content] of fresh) assert.equal(readFileSync(committed.get(path)!, 'utf8'), content, `${path} is stale (run \`npm run synth\`)`);
  });
});
