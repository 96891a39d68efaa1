/**
 * `npm run bench`'s parts, in-process and tiny: the synthetic fleet loads through the real loader
 * and renders real objects in every cluster, and the floor writes the same files with the same
 * parsed content. No timings here: benchmarks live in the repo (`npm run bench`), not in tests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { renderFleet } from '../clusters/render.ts';
import { loadFleet } from '../config/load.ts';
import { floorInput, writeFloor } from '../scripts/bench/floor.ts';
import { median, medianReport } from '../scripts/bench/measure.ts';
import { cliTable, targets, type CliResult, type Measured, type SizeResult } from '../scripts/bench/report.ts';
import { parseSize, REGIONS, syntheticFleet, writeSyntheticFleet } from '../scripts/bench/synthetic-fleet.ts';
import { listFiles, writeTree } from '../scripts/lib/write-tree.ts';
import { tempDir } from './helpers.ts';

const parsed = (text: string) => parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());

describe('bench: synthetic fleet', () => {
  const file = writeSyntheticFleet(join(tempDir(), 'fleet'), parseSize('3x4'));
  const fleet = loadFleet(file);
  const rendered = renderFleet(fleet);

  test('loads through the real loader: 3 clusters in real regions, 2 primaries and a remote, 4 services', () => {
    assert.deepEqual(fleet.clusters.map((c) => [c.name, c.region, c.role, c.controlPlane]), [
      ['europe-west3-1', 'europe-west3', 'primary', 'europe-west3-1'],
      ['us-central1-1', 'us-central1', 'primary', 'us-central1-1'],
      ['asia-northeast1-1', 'asia-northeast1', 'remote', 'europe-west3-1'],
    ]);
    assert.deepEqual(fleet.apps.map((a) => [a.name, a.services.map((s) => [s.name, s.calls])]), [
      ['shop', [['svc-00', ['svc-01', 'svc-02']], ['svc-01', ['svc-03']], ['svc-02', []], ['svc-03', []]]],
    ]);
    assert.ok(fleet.globalEntry, 'global entry on');
  });

  test('every cluster gets Istio, Flux and app objects', () => {
    for (const cluster of fleet.clusters) {
      assert.ok(rendered.objects.get(cluster.name)! > 20, `${cluster.name}: ${rendered.objects.get(cluster.name)} objects`);
      for (const path of ['istio-base/istio-base.yaml', 'istiod/istiod.yaml', 'flux-system/gotk-sync.yaml', 'apps.yaml', 'apps/shop-workloads.yaml', 'apps/shop-services.yaml']) {
        assert.ok(rendered.files.has(`clusters/${cluster.name}/${path}`), `${cluster.name}: ${path}`);
      }
      const kinds = new Set(parsed(rendered.files.get(`clusters/${cluster.name}/apps/shop-workloads.yaml`)!).map((o) => o.kind));
      assert.deepEqual([...kinds].sort(), ['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceAccount']);
    }
    // Istio config (traffic, ingress, authorization) only in the primaries.
    assert.ok(rendered.files.has('clusters/europe-west3-1/apps/shop-traffic.yaml'));
    assert.ok(rendered.files.has('clusters/us-central1-1/apps/shop-traffic.yaml'));
    assert.ok(!rendered.files.has('clusters/asia-northeast1-1/apps/shop-traffic.yaml'));
  });

  test('sizes: 1–3 primaries, remotes dealt round-robin, disjoint ranges up to 512 clusters', () => {
    const big = syntheticFleet(parseSize('100x20')).fleet as { clusters: { name: string; role: string; primary?: string; region: string }[] };
    assert.equal(big.clusters.filter((c) => c.role === 'primary').length, 3);
    assert.deepEqual(new Set(big.clusters.map((c) => c.primary).filter(Boolean)), new Set(big.clusters.slice(0, 3).map((c) => c.name)));
    assert.ok(big.clusters.every((c) => (REGIONS as readonly string[]).includes(c.region)));
    assert.equal(new Set(big.clusters.map((c) => c.name)).size, 100);
    assert.doesNotThrow(() => loadFleet(writeSyntheticFleet(join(tempDir(), 'max'), parseSize('512x1'))));
  });

  test('parseSize reads CLUSTERSxSERVICES and rejects anything else', () => {
    assert.deepEqual(parseSize('20x20'), { clusters: 20, services: 20 });
    assert.throws(() => parseSize('20'), /bad size "20" \(expected CLUSTERSxSERVICES, e\.g\. 20x20\)/);
    assert.throws(() => parseSize('600x2'), /bad size 600x2: 1 to 512 clusters/);
    assert.throws(() => parseSize('2x0'), /bad size 2x0: 1 to 99 services/);
  });

  test('the floor writes the same files, with the same parsed content, as synth', () => {
    const synthOut = join(tempDir(), 'synth');
    writeTree(synthOut, rendered.files);
    const input = floorInput(synthOut);
    assert.equal(input.objects, [...rendered.objects.values()].reduce((a, b) => a + b, 0), 'same object count');

    const floorOut = join(tempDir(), 'floor');
    assert.equal(writeFloor(JSON.parse(JSON.stringify(input)), floorOut), rendered.files.size);
    const synthFiles = listFiles(synthOut);
    const floorFiles = listFiles(floorOut);
    assert.deepEqual([...floorFiles.keys()].sort(), [...synthFiles.keys()].sort());
    for (const [path, abs] of synthFiles) {
      const a = readFileSync(abs, 'utf8');
      const b = readFileSync(floorFiles.get(path)!, 'utf8');
      if (path.endsWith('.yaml')) assert.deepEqual(parsed(b), parsed(a), path);
      else assert.equal(b, a, path);
    }
  });
});

describe('bench: medians', () => {
  test('median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  test('medianReport takes the median of every number, nested too, and keeps the rest', () => {
    const runs = [
      { wallMs: 30, phases: { load: 1 }, label: 'a' },
      { wallMs: 10, phases: { load: 3 }, label: 'a' },
      { wallMs: 20, phases: { load: 2 }, label: 'a' },
    ];
    assert.deepEqual(medianReport(runs), { wallMs: 20, phases: { load: 2 }, label: 'a' });
  });
});

describe('bench: targets', () => {
  /** A size measured with `workMs` of synth work for `objects` objects (the rest is what the target table reads). */
  const size = (clusters: number, workMs: number, objects: number): SizeResult => {
    const report: Measured = { startMs: 0, importMs: 0, phases: { render: workMs }, workMs, processMs: workMs, cpuMs: workMs, maxRssMB: 100, objects, files: 1, written: 1, wallMs: workMs };
    return { clusters, services: 20, synth: report, floor: report, resynth: { written: 0, wallMs: 1 } };
  };
  const perObject = (hugeWorkMs: number) => targets([size(100, 1000, 10_000), size(500, hugeWorkMs, 50_000)], undefined).find((t) => t.name.startsWith('time per object'))!;

  test('time per object: met up to 15% above 100 × 20 and at any fall; more growth is not met', () => {
    assert.deepEqual([perObject(5000), perObject(5700), perObject(2500)].map((t) => t.met), [true, true, true]);
    assert.equal(perObject(2500).measured, '50 µs vs 100 µs (-50%)');
    assert.equal(perObject(5800).met, false);
    assert.equal(perObject(5800).measured, '116 µs vs 100 µs (+16%)');
  });

  test('the cold synth: at most 0.4 s, and 4× a `node -e 0` started as the bin starts node, each a target line of its own', () => {
    const cli: CliResult = { coldMs: 300, nodeMs: 60, tsxMs: 900, resynthWritten: 0, resynthTouched: 0, resynthMs: 200 };
    const cold = (r: CliResult) => targets([], r).filter((t) => t.name.includes('cold') || t.name.includes('node -e 0')).map((t) => [t.measured, t.met]);
    assert.deepEqual(cold(cli), [['300 ms', true], ['5.00× (300 ms / 60 ms)', false]]);
    assert.deepEqual(cold({ ...cli, coldMs: 410, nodeMs: 130 }), [['410 ms', false], ['3.15× (410 ms / 130 ms)', true]]);
    assert.doesNotMatch(cliTable(cli), /NODE_EXTRA_CA_CERTS/);
  });

  test('where NODE_EXTRA_CA_CERTS is set: what node pays for it, as rows of their own, and the ratio against node -e 0 with it', () => {
    const cli: CliResult = { coldMs: 300, nodeMs: 45, withExtraCaCerts: { coldMs: 390, nodeMs: 130 }, tsxMs: 900, resynthWritten: 0, resynthTouched: 0, resynthMs: 200 };
    const table = cliTable(cli);
    assert.match(table, /\| `meshfleet synth` \(`bin\/meshfleet\.mjs synth`.*\| 300 ms \|\n\| the same as `node bin\/meshfleet\.mjs synth`: node reads NODE_EXTRA_CA_CERTS .*\| 390 ms \|\n/);
    assert.match(table, /\| `node -e 0`, started as the bin starts node for synth \(without NODE_EXTRA_CA_CERTS\) \| 45 ms \|\n\| for reference: `node -e 0` with NODE_EXTRA_CA_CERTS .*\| 130 ms \|$/);
    assert.deepEqual(targets([], cli).filter((t) => t.name.includes('cold') || t.name.includes('node -e 0')).map((t) => [t.measured, t.met]), [
      ['300 ms', true], ['2.31× (300 ms / 130 ms)', true], ['6.67× (300 ms / 45 ms)', false],
    ]);
  });
});
