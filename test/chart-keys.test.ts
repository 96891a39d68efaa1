import { test } from 'node:test';
import assert from 'node:assert/strict';
import keys from '../charts/istio/chart-keys.generated.json' with { type: 'json' };
import { unknownValuesKeys } from '../charts/istio/chart-keys.ts';

test('istiod key list has the multicluster keys (intermediates and leaves)', () => {
  const istiod = new Set(keys.charts.istiod);
  for (const k of [
    'global',
    'global.meshID',
    'global.multiCluster',
    'global.multiCluster.clusterName',
    'istiodRemote.injectionPath',
    'global.remotePilotAddress',
  ]) {
    assert.ok(istiod.has(k), `istiod lacks ${k}`);
  }
  // the defaults wrapper is stripped
  assert.ok(!keys.charts.istiod.some((k) => k.startsWith('_internal_defaults_do_not_set')));
});

test('gateway key list has networkGateway and service keys', () => {
  const gateway = new Set(keys.charts.gateway);
  for (const k of ['networkGateway', 'service.annotations', 'service.type']) {
    assert.ok(gateway.has(k), `gateway lacks ${k}`);
  }
});

test('lists are sorted and open maps are known keys', () => {
  for (const chart of ['base', 'istiod', 'gateway'] as const) {
    assert.deepEqual(keys.charts[chart], [...keys.charts[chart]].sort());
    for (const m of keys.openMaps[chart]) assert.ok(keys.charts[chart].includes(m), `${chart}: open map ${m} not a key`);
  }
  assert.ok(keys.openMaps.istiod.includes('env'));
  assert.ok(keys.openMaps.istiod.includes('meshConfig'));
  assert.ok(keys.openMaps.gateway.includes('service.annotations'));
});

test('valid istiod values for a remote cluster pass', () => {
  assert.deepEqual(
    unknownValuesKeys('istiod', {
      profile: 'remote',
      global: {
        meshID: 'mesh1',
        multiCluster: { clusterName: 'saopaulo' },
        network: 'net2',
        remotePilotAddress: '10.0.0.1',
        configCluster: true,
        imagePullSecrets: ['a', 'b'],
      },
      istiodRemote: { injectionPath: '/inject/cluster/saopaulo/net/net2' },
      base: { validationFailurePolicy: 'Fail' },
    }),
    [],
  );
});

test('a typo like global.meshId is reported', () => {
  assert.deepEqual(unknownValuesKeys('istiod', { global: { meshId: 'mesh1', meshID: 'mesh1' } }), ['global.meshId']);
  assert.deepEqual(unknownValuesKeys('gateway', { service: { typ: 'ClusterIP' }, networkGatway: 'n' }), [
    'networkGatway',
    'service.typ',
  ]);
});

test('keys under open maps are accepted', () => {
  assert.deepEqual(
    unknownValuesKeys('istiod', {
      env: { EXTERNAL_ISTIOD: 'true', PILOT_ANYTHING: '1' },
      meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } } },
      podAnnotations: { 'x.io/y': 'z' },
    }),
    [],
  );
  assert.deepEqual(
    unknownValuesKeys('gateway', {
      networkGateway: 'net1',
      service: { type: 'LoadBalancer', annotations: { 'networking.gke.io/load-balancer-type': 'Internal' } },
      labels: { istio: 'eastwestgateway', 'topology.istio.io/network': 'net1' },
    }),
    [],
  );
});

test('only the top-most unknown path is reported; arrays are leaves', () => {
  assert.deepEqual(unknownValuesKeys('base', { nope: { deeper: { x: 1 } }, global: { imagePullSecrets: [{ name: 'x' }] } }), [
    'nope',
  ]);
});

test('chart aliases: istiod pilot.X == X, gateway global.X == X', () => {
  assert.deepEqual(unknownValuesKeys('istiod', { pilot: { resources: { requests: { cpu: '1' } }, env: { A: 'b' } } }), []);
  assert.deepEqual(unknownValuesKeys('istiod', { pilot: { bogus: 1 } }), ['pilot.bogus']);
  assert.deepEqual(unknownValuesKeys('gateway', { global: { networkGateway: 'n', networkPolicy: { enabled: true } } }), []);
  assert.deepEqual(unknownValuesKeys('base', { pilot: {} }), ['pilot']);
});

test('the defaults wrapper and `defaults` are not user keys', () => {
  assert.deepEqual(unknownValuesKeys('istiod', { _internal_defaults_do_not_set: { hub: 'x' }, defaults: { hub: 'y' } }), [
    '_internal_defaults_do_not_set',
    'defaults',
  ]);
});
