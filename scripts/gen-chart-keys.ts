/**
 * Writes charts/istio/chart-keys.generated.json: for each pinned Istio Helm chart (base,
 * istiod, gateway) the sorted set of dotted values paths the chart knows, so tests and the
 * fleet check can reject values keys we render that the chart would silently ignore.
 *
 *   npm run gen:chart-keys           # = tsx scripts/gen-chart-keys.ts (suggested script)
 *   MESHFLEET_REFERENCE=/path/to/reference npm run gen:chart-keys
 *
 * Sources (under the reference folder, default ../shared/reference relative to the repo root):
 *   istio/manifests/charts/base/values.yaml                          -> base
 *   istio/manifests/charts/istio-control/istio-discovery/values.yaml -> istiod
 *   istio/manifests/charts/gateway/values.yaml                       -> gateway
 *   istio/manifests/charts/base/files/profile-remote.yaml            -> keys the `remote` profile adds
 *                                                                      (identical copy in every chart's files/)
 *
 * How the list is built (Istio 1.30.3 chart mechanics, templates/zzz_profile.yaml):
 *   - Defaults live under `_internal_defaults_do_not_set`; that prefix is stripped, so paths
 *     read like user values (`global.meshID`). Any other top-level key of values.yaml is kept as is.
 *   - Both intermediate paths and leaves are recorded (`global`, `global.multiCluster`,
 *     `global.multiCluster.clusterName`). Arrays and scalars (incl. null) are leaves.
 *   - `openMaps`: paths whose default is `{}` plus the curated free-form maps in OPEN_MAPS;
 *     any key below them is accepted.
 *   - EXTRAS: keys users may set that are not in the defaults (zzz_profile switches, keys the
 *     1.30.3 templates read that are only commented in values.yaml or absent). Hand-maintained,
 *     each with its reason; recorded in the output under `extras`.
 *   - `aliases`: istiod copies everything under `pilot` to the top level
 *     (templates/zzy_descope_legacy.yaml), so `pilot.X` == `X`; gateway flattens `global.X`
 *     into top-level defaults (zzz_profile.yaml "Flatten globals" is `if true` only there).
 *
 * Every source file is checked against its pinned sha256; update PIN when the reference changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REFERENCE = resolve(process.env.MESHFLEET_REFERENCE ?? join(REPO_ROOT, '..', 'shared', 'reference'));
const OUT_FILE = join(REPO_ROOT, 'charts', 'istio', 'chart-keys.generated.json');

type Chart = 'base' | 'istiod' | 'gateway';
const CHARTS: Chart[] = ['base', 'istiod', 'gateway'];

const PIN = {
  version: 'istio/istio 1.30.3 (commit 56df41f63e513f834c9a3af33d8aed82d1d961f2)',
  files: {
    'istio/manifests/charts/base/values.yaml': '3543b89cb620ad6f8cfab3910cdf3e5d1f4af8d73d30cb73b3b36c65d3da6f56',
    'istio/manifests/charts/istio-control/istio-discovery/values.yaml':
      'd6b9d64100f695973a1b87a2cedfce597669807d77fd14d00149d56538dd43a1',
    'istio/manifests/charts/gateway/values.yaml': 'fa272809ac6991894a9ed0ad8c84995af0a65a1262ed040bf9b987f7ca8ca7b5',
    'istio/manifests/charts/base/files/profile-remote.yaml': 'bc9b5615a849a9c359fa3b66a10160314a36e2bf59f769d79ee3a21960f067ad',
  } as Record<string, string>,
};

const VALUES_FILE: Record<Chart, string> = {
  base: 'istio/manifests/charts/base/values.yaml',
  istiod: 'istio/manifests/charts/istio-control/istio-discovery/values.yaml',
  gateway: 'istio/manifests/charts/gateway/values.yaml',
};
const PROFILE_FILES = ['istio/manifests/charts/base/files/profile-remote.yaml'];
const DEFAULTS_KEY = '_internal_defaults_do_not_set';

/** Keys that are not in values.yaml defaults but are valid user values at 1.30.3 (path -> reason). */
const ZZZ_PROFILE_KEYS: Record<string, string> = {
  profile: 'zzz_profile.yaml: selects files/profile-<name>.yaml',
  'global.profile': 'zzz_profile.yaml: alternative to `profile`',
  compatibilityVersion: 'zzz_profile.yaml: selects files/profile-compatibility-version-<v>.yaml',
  platform: 'zzz_profile.yaml: selects files/profile-platform-<name>.yaml (e.g. gke)',
  'global.platform': 'zzz_profile.yaml: alternative to `platform`',
};
const EXTRAS: Record<Chart, Record<string, string>> = {
  base: {
    ...ZZZ_PROFILE_KEYS,
    'base.validationFailurePolicy': 'read by templates/defaultrevision-validatingwebhookconfiguration.yaml (documented, commented, in istiod values.yaml)',
  },
  istiod: {
    ...ZZZ_PROFILE_KEYS,
    'base.validationFailurePolicy': 'commented in values.yaml; read by templates/validatingwebhookconfiguration.yaml',
    'pdb.maxUnavailable': 'commented in values.yaml; read by templates/poddisruptionbudget.yaml',
    'memory.targetAverageUtilization': 'commented in values.yaml; read by templates/autoscale.yaml',
    crlConfigMapName: 'read by templates/deployment.yaml',
    trafficDistribution: 'read by templates/service.yaml',
    'global.trustDomain': 'read by files/injection-template.yaml (fallback for meshConfig.trustDomain)',
    'global.trustBundleName': 'read by templates/deployment.yaml and injection templates',
    'global.ipFamilyPolicy': 'read by templates/remote-istiod-service.yaml',
    'global.ipFamilies': 'read by templates/remote-istiod-service.yaml',
    'global.tracer': 'read by templates/configmap.yaml (free-form: lightstep/zipkin/datadog/stackdriver)',
    'global.agentgateway.image': 'read by files/agentgateway.yaml',
    'global.proxy.holdApplicationUntilProxyStarts': 'read by files/injection-template.yaml',
    'global.proxy.lifecycle': 'read by injection templates (free-form container lifecycle)',
    'global.proxy.capNetBindService': 'read by files/injection-template.yaml',
    'global.proxy.variant': 'read by templates/configmap.yaml',
  },
  gateway: {
    ...ZZZ_PROFILE_KEYS,
    'service.allocateLoadBalancerNodePorts': 'commented in values.yaml; read by templates/service.yaml',
    'service.loadBalancerClass': 'commented in values.yaml; read by templates/service.yaml',
    'service.internalTrafficPolicy': 'read by templates/service.yaml',
    ownerName: 'read by templates/networkpolicy.yaml',
    'networkGatewayPorts.status-port.protocol': 'read by _helpers.tpl gateway.networkGatewayPort (default TCP)',
    'networkGatewayPorts.tls.protocol': 'read by _helpers.tpl gateway.networkGatewayPort (default TCP)',
    'networkGatewayPorts.tls-istiod.protocol': 'read by _helpers.tpl gateway.networkGatewayPort (default TCP)',
    'networkGatewayPorts.tls-webhook.protocol': 'read by _helpers.tpl gateway.networkGatewayPort (default TCP)',
  },
};

/** Free-form maps whose default is not `{}` (paths whose default is `{}` are added automatically). */
const OPEN_MAPS: Record<Chart, string[]> = {
  base: [],
  istiod: [
    'meshConfig', // MeshConfig proto, free-form (https://istio.io/docs/reference/config/istio.mesh.v1alpha1/)
    'resources', // k8s ResourceRequirements
    'global.defaultResources',
    'global.proxy.resources',
    'global.waypoint.resources',
    'global.tracer',
    'global.proxy.lifecycle',
  ],
  gateway: [
    'podAnnotations', // arbitrary pod annotations (defaults are prometheus/inject ones)
    'labels', // arbitrary labels for all resources (labels.app / labels.istio also drive selectors)
    'resources', // k8s ResourceRequirements
  ],
};

const ALIASES: Record<Chart, Record<string, string>> = {
  base: {},
  istiod: { pilot: '' }, // templates/zzy_descope_legacy.yaml: mustMergeOverwrite $.Values .Values.pilot
  gateway: { global: '' }, // templates/zzz_profile.yaml: "Flatten globals" `if true` in the gateway chart only
};

function fail(msg: string): never {
  console.error(`gen-chart-keys: ${msg}`);
  process.exit(1);
}

function readPinned(file: string): string {
  const abs = join(REFERENCE, file);
  if (!existsSync(abs)) fail(`missing reference file ${abs}`);
  const text = readFileSync(abs, 'utf8');
  const actual = createHash('sha256').update(text).digest('hex');
  if (actual !== PIN.files[file]) {
    fail(
      `${abs} has sha256 ${actual}, pinned ${PIN.files[file]} (${PIN.version}).\n` +
        `If the reference data was updated on purpose, update PIN (and review EXTRAS/OPEN_MAPS) in scripts/gen-chart-keys.ts.`,
    );
  }
  return text;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Adds every path (intermediate and leaf) of `node` below `prefix` to `keys`. Maps whose
 * default is `{}` go to `open`; children of open maps are not listed (anything goes there,
 * and their keys may contain dots, e.g. `podAnnotations.prometheus.io/port`).
 */
function collect(node: Record<string, unknown>, prefix: string, keys: Set<string>, open: Set<string>, where: string): void {
  for (const [k, v] of Object.entries(node)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (k.includes('.')) fail(`${where}: key "${p}" contains a dot outside an open map; dotted paths would be ambiguous`);
    keys.add(p);
    if (!isPlainObject(v) || open.has(p)) continue;
    if (Object.keys(v).length === 0) open.add(p);
    else collect(v, p, keys, open, where);
  }
}

function addWithParents(p: string, keys: Set<string>): void {
  const parts = p.split('.');
  for (let i = 1; i <= parts.length; i++) keys.add(parts.slice(0, i).join('.'));
}

function main(): void {
  if (!existsSync(REFERENCE)) {
    fail(
      `reference folder not found: ${REFERENCE}\n` +
        `Expected the pinned Istio charts under ../shared/reference relative to the repo root; ` +
        `set MESHFLEET_REFERENCE=/path/to/reference to override.`,
    );
  }
  const profileKeys = new Set<string>();
  for (const f of PROFILE_FILES) {
    const doc = parse(readPinned(f)) as unknown;
    if (!isPlainObject(doc)) fail(`${f} is not a YAML map`);
    collect(doc, '', profileKeys, new Set(), f);
  }

  const charts = {} as Record<Chart, string[]>;
  const openMaps = {} as Record<Chart, string[]>;
  for (const chart of CHARTS) {
    const file = VALUES_FILE[chart];
    const doc = parse(readPinned(file)) as unknown;
    if (!isPlainObject(doc)) fail(`${file} is not a YAML map`);
    const defaults = doc[DEFAULTS_KEY];
    if (!isPlainObject(defaults)) fail(`${file} has no ${DEFAULTS_KEY} map (chart layout changed?)`);
    const keys = new Set<string>();
    const open = new Set<string>(OPEN_MAPS[chart]);
    collect(defaults, '', keys, open, file);
    // Top-level keys outside the defaults wrapper (none at 1.30.3) are user-settable as is.
    const { [DEFAULTS_KEY]: _ignored, ...rest } = doc;
    collect(rest, '', keys, open, file);
    for (const p of profileKeys) keys.add(p);
    for (const p of Object.keys(EXTRAS[chart])) addWithParents(p, keys);
    for (const p of OPEN_MAPS[chart]) {
      if (!keys.has(p)) fail(`OPEN_MAPS.${chart} lists ${p}, which is not a known key`);
    }
    charts[chart] = [...keys].sort();
    openMaps[chart] = [...open].sort();
  }

  const out = {
    source:
      `${PIN.version}; defaults (under ${DEFAULTS_KEY}, prefix stripped) of ` +
      CHARTS.map((c) => `${c}: ${VALUES_FILE[c].replace(/^istio\//, '')}`).join(', ') +
      `; plus keys of ${PROFILE_FILES.map((f) => f.replace(/^istio\//, '')).join(', ')}` +
      `; plus hand-maintained extras (see "extras"). Generated by scripts/gen-chart-keys.ts from the reference folder copies.`,
    files: PIN.files,
    charts,
    openMaps,
    aliases: ALIASES,
    extras: EXTRAS,
  };
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, JSON.stringify(out, null, 2) + '\n');
  console.log(
    `wrote ${relative(REPO_ROOT, OUT_FILE)} (` +
      CHARTS.map((c) => `${c}: ${charts[c].length} keys, ${openMaps[c].length} open maps`).join('; ') +
      ')',
  );
}

main();
