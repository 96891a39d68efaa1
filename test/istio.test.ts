/**
 * Istio in dist, per role and topology: values against the pinned charts, primary vs remote,
 * gateways, mesh policy only where istiod reads config, and the three topologies.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { unknownValuesKeys } from '../charts/istio/chart-keys.ts';
import { chartOfSource } from '../charts/istio/chart-source.ts';
import { loadFleet } from '../config/load.ts';
import { renderFleet } from '../clusters/render.ts';
import { DEFAULT_FLEET, EXAMPLES, ROOT, find, mustFind, objectsOf, readText, render, tempDir, writeFixture, type K8sObject } from './helpers.ts';

type Values = Record<string, any>;
const values = (hr: K8sObject): Values => (hr.spec as { values: Values }).values;
const chartOf = (hr: K8sObject) => chartOfSource((hr.spec as Values).chartRef.name);
/** The one revision of the default fleet and of the examples. */
const ISTIOD = 'istiod-1-30-3';

describe('Istio Helm values exist in the pinned charts', () => {
  for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
    test(file.replace(ROOT, ''), () => {
      const { fleet, rendered } = render(file);
      let checked = 0;
      for (const cluster of fleet.clusters) {
        for (const hr of objectsOf(rendered, cluster.name).filter((o) => o.kind === 'HelmRelease')) {
          const chart = chartOf(hr);
          assert.ok(chart, `unexpected HelmRelease ${hr.metadata.name}`);
          assert.deepEqual(unknownValuesKeys(chart, values(hr)), [], `${cluster.name}/${hr.metadata.name}`);
          checked++;
        }
      }
      assert.ok(checked >= 4);
    });
  }

  test('a typo in a values key is caught', () => {
    assert.deepEqual(unknownValuesKeys('istiod', { global: { meshId: 'x', multiCluster: { clusterName: 'a' } } }), ['global.meshId']);
  });
});

describe('default fleet: frankfurt primary, saopaulo remote, one flat network', () => {
  const { rendered } = render(DEFAULT_FLEET);
  const fra = objectsOf(rendered, 'frankfurt');
  const sao = objectsOf(rendered, 'saopaulo');

  test('charts come from the current upstream OCI location, pinned to the configured version', () => {
    for (const chart of ['base', 'istiod', 'gateway']) {
      const repo = mustFind(fra, 'OCIRepository', `istio-${chart}-1-30-3`, 'istio-system');
      assert.deepEqual((repo.spec as Values).url, `oci://ghcr.io/istio/release/charts/${chart}`);
      assert.deepEqual((repo.spec as Values).ref, { tag: '1.30.3' });
    }
    assert.deepEqual((mustFind(fra, 'HelmRelease', ISTIOD).spec as Values).chartRef, { kind: 'OCIRepository', name: 'istio-istiod-1-30-3', namespace: 'istio-system' });
    assert.equal(find(sao, 'OCIRepository', 'istio-gateway-1-30-3'), undefined, 'saopaulo runs no gateway, so needs no gateway chart');
  });

  test('primary istiod: mesh id, cluster name, network, external istiod for its remote', () => {
    const v = values(mustFind(fra, 'HelmRelease', ISTIOD, 'istio-system'));
    assert.equal(v.profile, undefined);
    assert.equal(v.revision, '1-30-3');
    assert.deepEqual(v.global, { meshID: 'mesh1', multiCluster: { clusterName: 'frankfurt' }, network: 'network1', externalIstiod: true });
    assert.equal(v.meshConfig.trustDomain, 'cluster.local');
  });

  test('remote: remote profile, injection path, pilot address = the primary\'s east-west IP', () => {
    const v = values(mustFind(sao, 'HelmRelease', ISTIOD, 'istio-system'));
    assert.equal(v.profile, 'remote');
    assert.equal(v.revision, '1-30-3');
    assert.equal(v.global.multiCluster.clusterName, 'saopaulo');
    assert.equal(v.global.remotePilotAddress, '10.10.15.250');
    assert.match(v.global.remotePilotAddress, /^\d+\.\d+\.\d+\.\d+$/, 'an IP, never a hostname');
    assert.equal(v.global.configCluster, true);
    assert.equal(v.istiodRemote.injectionPath, '/inject/cluster/saopaulo/net/network1');
    assert.equal(values(mustFind(sao, 'HelmRelease', 'istio-base')).profile, 'remote');
    const ns = mustFind(sao, 'Namespace', 'istio-system');
    assert.deepEqual(ns.metadata.annotations, { 'topology.istio.io/controlPlaneClusters': 'frankfurt' });
  });

  test('the remote gets no Istio config objects; the primary gets mesh policy', () => {
    for (const kind of ['PeerAuthentication', 'Gateway', 'VirtualService', 'DestinationRule', 'AuthorizationPolicy']) {
      assert.equal(sao.filter((o) => o.kind === kind).length, 0, `no ${kind} in saopaulo`);
    }
    assert.deepEqual((mustFind(fra, 'PeerAuthentication', 'default', 'istio-system').spec as Values).mtls, { mode: 'STRICT' });
    assert.ok(find(fra, 'Gateway', 'istiod-gateway', 'istio-system'), 'istiod exposed to remotes');
    assert.equal(find(fra, 'Gateway', 'cross-network-gateway'), undefined, 'one network: no cross-network gateway');
  });

  test('east-west gateway on an internal LB with global access at the static address', () => {
    const v = values(mustFind(fra, 'HelmRelease', 'istio-eastwestgateway', 'istio-system'));
    assert.equal(v.networkGateway, 'network1');
    assert.equal(v.service.loadBalancerIP, '10.10.15.250');
    assert.equal(v.service.annotations['networking.gke.io/load-balancer-type'], 'Internal');
    assert.equal(v.service.annotations['networking.gke.io/internal-load-balancer-allow-global-access'], 'true');
    assert.equal(find(sao, 'HelmRelease', 'istio-eastwestgateway'), undefined);
  });

  test('gateway sizes come from config (defaults: 1–5 pods, the chart\'s resources)', () => {
    const v = values(mustFind(fra, 'HelmRelease', 'istio-ingress', 'istio-ingress'));
    assert.deepEqual(v.autoscaling, { enabled: true, minReplicas: 1, maxReplicas: 5 });
    assert.deepEqual(v.resources, { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    const file = writeFixture('fleet.yaml', readText(DEFAULT_FLEET)
      .replace('    ingress: true\n', '    ingress: true\n    gateways: { ingress: { minReplicas: 3, maxReplicas: 12, resources: { cpu: { request: 500m }, memory: { request: 256Mi } } } }\n')
      .replace('definition: apps/', `definition: ${ROOT}config/apps/`), tempDir());
    const sized = values(mustFind(objectsOf(renderFleet(loadFleet(file)), 'frankfurt'), 'HelmRelease', 'istio-ingress'));
    assert.deepEqual(sized.autoscaling, { enabled: true, minReplicas: 3, maxReplicas: 12 });
    assert.deepEqual(sized.resources, { requests: { cpu: '500m', memory: '256Mi' } });
  });

  test('ingress only where config asks (default: the primary)', () => {
    assert.equal(values(mustFind(fra, 'HelmRelease', 'istio-ingress', 'istio-ingress')).service.type, 'LoadBalancer');
    assert.equal(find(sao, 'HelmRelease', 'istio-ingress'), undefined);
  });

  test('reader token Secret only where a primary watches the cluster, with no data', () => {
    const token = mustFind(sao, 'Secret', 'istio-reader-service-account-istio-remote-secret-token', 'istio-system');
    assert.equal(token.type, 'kubernetes.io/service-account-token');
    assert.equal(token.metadata.annotations?.['kubernetes.io/service-account.name'], 'istio-reader-service-account');
    assert.equal(find(fra, 'Secret', 'istio-reader-service-account-istio-remote-secret-token'), undefined);
  });

  test('Flux and istiod do not fight over the webhooks istiod patches', () => {
    for (const hr of fra.filter((o) => o.kind === 'HelmRelease')) {
      const drift = (hr.spec as Values).driftDetection;
      assert.equal(drift.mode, 'enabled');
      if (hr.metadata.name === 'istio-base' || hr.metadata.name === ISTIOD) {
        assert.deepEqual(drift.ignore, [{ paths: ['/webhooks/0/clientConfig/caBundle'], target: { kind: 'ValidatingWebhookConfiguration' } }]);
      } else {
        assert.equal(drift.ignore, undefined, `${hr.metadata.name} renders no webhooks`);
      }
    }
    assert.equal(values(mustFind(fra, 'HelmRelease', 'istio-base')).base.validationFailurePolicy, 'Fail');
    assert.equal(values(mustFind(fra, 'HelmRelease', ISTIOD)).base.validationFailurePolicy, 'Fail');
  });
});

describe('every remote, in every topology', () => {
  for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
    const { fleet, rendered } = render(file);
    for (const remote of fleet.clusters.filter((c) => c.role === 'remote')) {
      const objs = objectsOf(rendered, remote.name);
      const primaryAddress = fleet.clusters.find((c) => c.name === remote.controlPlane)!.eastWestAddress!;
      test(`${file.replace(ROOT, '')} ${remote.name}: v1 Endpoints istiod-<revision> at the primary's east-west address, in the istiod layer`, () => {
        // GKE's API server resolves webhook Services through v1 Endpoints, which the chart no longer renders (istio/istio#58998).
        const endpoints = mustFind(objectsOf(rendered, remote.name, 'istiod'), 'Endpoints', ISTIOD, 'istio-system');
        assert.deepEqual(endpoints.subsets, [{
          addresses: [{ ip: primaryAddress }],
          ports: [{ name: 'tcp-istiod', port: 15012, protocol: 'TCP' }, { name: 'tcp-webhook', port: 15017, protocol: 'TCP' }],
        }]);
        assert.equal(values(mustFind(objs, 'HelmRelease', ISTIOD)).global.remotePilotAddress, primaryAddress);
      });
      test(`${file.replace(ROOT, '')} ${remote.name}: validating webhooks fail open, since no istiod manages them there`, () => {
        for (const name of ['istio-base', ISTIOD]) {
          const hr = mustFind(objs, 'HelmRelease', name);
          assert.equal(values(hr).base.validationFailurePolicy, 'Ignore', name);
          assert.equal((hr.spec as Values).driftDetection.ignore, undefined, `${name}: nothing patches a remote's validating webhook`);
        }
      });
    }
    for (const primary of fleet.clusters.filter((c) => c.role === 'primary')) {
      test(`${file.replace(ROOT, '')} ${primary.name}: a primary runs istiod, so no Endpoints of its own and Fail validation`, () => {
        const objs = objectsOf(rendered, primary.name);
        assert.equal(objs.filter((o) => o.kind === 'Endpoints').length, 0);
        assert.equal(values(mustFind(objs, 'HelmRelease', ISTIOD)).base.validationFailurePolicy, 'Fail');
      });
    }
  }
});

describe('multi-network example', () => {
  const { rendered } = render(join(ROOT, 'config/examples/multi-network.yaml'));
  const fra = objectsOf(rendered, 'frankfurt');
  const sao = objectsOf(rendered, 'saopaulo');
  test('each cluster its own network, labelled, with an east-west network gateway', () => {
    for (const [objs, net] of [[fra, 'frankfurt'], [sao, 'saopaulo']] as const) {
      assert.equal(mustFind(objs, 'Namespace', 'istio-system').metadata.labels?.['topology.istio.io/network'], net);
      assert.equal(values(mustFind(objs, 'HelmRelease', 'istio-eastwestgateway')).networkGateway, net);
      assert.equal(values(mustFind(objs, 'HelmRelease', ISTIOD)).global.network, net);
    }
    assert.equal(values(mustFind(sao, 'HelmRelease', ISTIOD)).istiodRemote.injectionPath, '/inject/cluster/saopaulo/net/saopaulo');
  });
  test('services exposed with AUTO_PASSTHROUGH, in the primary only', () => {
    const gw = mustFind(fra, 'Gateway', 'cross-network-gateway', 'istio-system');
    assert.deepEqual((gw.spec as Values).servers[0].tls, { mode: 'AUTO_PASSTHROUGH' });
    assert.deepEqual((gw.spec as Values).servers[0].port.number, 15443);
    assert.equal(find(sao, 'Gateway', 'cross-network-gateway'), undefined);
  });
});

describe('multi-primary example', () => {
  const { fleet, rendered } = render(join(ROOT, 'config/examples/multi-primary.yaml'));
  test('an istiod in each cluster, config in each, each watched by the other', () => {
    for (const cluster of fleet.clusters) {
      const objs = objectsOf(rendered, cluster.name);
      const v = values(mustFind(objs, 'HelmRelease', ISTIOD));
      assert.equal(v.profile, undefined);
      assert.equal(v.global.multiCluster.clusterName, cluster.name);
      assert.ok(find(objs, 'PeerAuthentication', 'default'));
      assert.ok(find(objs, 'Secret', 'istio-reader-service-account-istio-remote-secret-token'), 'the other primary reads this cluster');
      assert.equal(find(objs, 'HelmRelease', 'istio-eastwestgateway'), undefined, 'flat multi-primary needs no east-west gateway');
    }
  });
});

describe('chart source choice', () => {
  test('an https chart repository gives one HelmRepository and chart.spec in each release', () => {
    const file = writeFixture('fleet.yaml', readText(DEFAULT_FLEET)
      .replace('charts: oci://ghcr.io/istio/release/charts', 'charts: https://blob.istio.io/istio-release/charts')
      .replace('definition: apps/', `definition: ${ROOT}config/apps/`), tempDir());
    const objs = objectsOf(renderFleet(loadFleet(file)), 'frankfurt');
    assert.deepEqual((mustFind(objs, 'HelmRepository', 'istio', 'istio-system').spec as Values).url, 'https://blob.istio.io/istio-release/charts');
    assert.equal(objs.filter((o) => o.kind === 'OCIRepository').length, 0);
    assert.deepEqual((mustFind(objs, 'HelmRelease', ISTIOD).spec as Values).chart.spec, {
      chart: 'istiod', interval: '1h', sourceRef: { kind: 'HelmRepository', name: 'istio', namespace: 'istio-system' }, version: '1.30.3',
    });
  });
});
