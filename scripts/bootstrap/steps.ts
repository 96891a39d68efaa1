/**
 * The six steps that hand one cluster to Flux, in the order that matters: credentials first; the
 * `cacerts` Secret before Flux can start istiod (an istiod that starts without it signs with a
 * self-signed CA of its own, `istio-ca-secret`, which no other cluster trusts); Flux and its git
 * Secret before the sync objects that use them.
 */
import { ISTIO_NAMESPACE } from '../../charts/istio/names.ts';
import { FLUX_NAMESPACE, FLUX_SOURCE_NAME } from '../../charts/flux/flux-sync.ts';
import type { Fleet } from '../../config/model.ts';
import { CACERTS_KEYS, cacertsData, clusterCaFiles, ensureClusterCa } from './ca.ts';
import { fluxSystemDir } from './dist-check.ts';
import { APPLY, FIELD_MANAGER, getCredentials, kubeconfigDir, kubectl, type KubeTarget } from './kube.ts';
import { namespaceManifest, secretManifest } from './manifests.ts';
import type { Redactor } from './redact.ts';
import type { Runner } from './runner.ts';
import { ensurePrivateDir } from './state-dir.ts';

/** How long to wait for Flux's first sync (clone, build, apply the layer Kustomizations). */
export const SYNC_TIMEOUT = '10m';

/** What every step of one cluster needs. */
export interface ClusterStepContext {
  readonly fleet: Fleet;
  readonly runner: Runner;
  readonly redactor: Redactor;
  readonly target: KubeTarget;
  readonly stateDir: string;
  readonly distDir: string;
  /** Data of the git Secret (already read once for all clusters). */
  readonly gitSecret: Readonly<Record<string, string>>;
  /** Whether the flux CLI is on PATH. */
  readonly fluxCli: boolean;
}

export interface ClusterStep {
  readonly label: string;
  /** Runs the step; returns the result for the progress line (default `done`). */
  readonly run: (ctx: ClusterStepContext) => Promise<string | void>;
}

/** 1: a kubeconfig of the cluster's own, in the state directory. */
export const kubeContextStep: ClusterStep = {
  label: 'kube context',
  async run({ runner, target, stateDir }) {
    await runner.local(`mkdir -m 700 ${kubeconfigDir(stateDir)}`, () => ensurePrivateDir(kubeconfigDir(stateDir)));
    await runner.change(getCredentials(target));
    return `done (context ${target.context})`;
  },
};

/** 2: istio-system and the cluster's intermediate CA as `cacerts`, before istiod exists. */
export const cacertsStep: ClusterStep = {
  label: 'cacerts',
  async run({ fleet, runner, redactor, target, stateDir }) {
    const status = await ensureClusterCa(runner, stateDir, target.cluster, fleet.mesh);
    await runner.change(kubectl(target, [...APPLY, '-f', '-'], namespaceManifest(ISTIO_NAMESPACE)));
    const files = clusterCaFiles(stateDir, target.cluster);
    // A dry run made no files: the keys alone show what the Secret holds (values are redacted anyway).
    const data = runner.dryRun ? Object.fromEntries(CACERTS_KEYS.map((k) => [k, ''])) : cacertsData(files);
    redactor.add(data['ca-key.pem']!);
    await runner.change(kubectl(target, [...APPLY, '-f', '-'], secretManifest({ name: 'cacerts', namespace: ISTIO_NAMESPACE, data })));
    return `done (CA ${status})`;
  },
};

/** 3: Flux's controllers at the pinned version: the flux CLI when present, else the release manifest. */
export const fluxInstallStep: ClusterStep = {
  label: 'flux install',
  async run({ fleet, runner, target, fluxCli }) {
    const version = fleet.flux.version;
    if (fluxCli) {
      // `flux install` applies and waits for the controllers itself; re-running it is an upgrade or a no-op.
      await runner.change({ argv: ['flux', 'install', `--version=${version}`, '--kubeconfig', target.kubeconfig, '--context', target.context] });
      return `done (flux ${version}, flux CLI)`;
    }
    await runner.change(kubectl(target, ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', fluxInstallUrl(version)]));
    // The manifest only creates things; the sync objects below need the CRDs established and the controllers up.
    await runner.change(kubectl(target, ['wait', '--for=condition=Established', 'crd/gitrepositories.source.toolkit.fluxcd.io', 'crd/kustomizations.kustomize.toolkit.fluxcd.io', '--timeout=2m']));
    await runner.change(kubectl(target, ['-n', FLUX_NAMESPACE, 'wait', '--for=condition=Available', 'deployment', '--all', '--timeout=5m']));
    return `done (flux ${version}, install.yaml)`;
  },
};

/** 4: the git Secret Flux clones with. */
export const gitSecretStep: ClusterStep = {
  label: 'git secret',
  async run({ fleet, runner, target, gitSecret }) {
    await runner.change(kubectl(target, [...APPLY, '-f', '-'], secretManifest({ name: fleet.git.secretName, namespace: FLUX_NAMESPACE, data: gitSecret })));
    return `done (${FLUX_NAMESPACE}/${fleet.git.secretName})`;
  },
};

/** 5: the cluster's GitRepository and root Kustomization, from dist. */
export const syncObjectsStep: ClusterStep = {
  label: 'flux-system sync',
  async run({ runner, target, distDir }) {
    await runner.change(kubectl(target, [...APPLY, '-k', fluxSystemDir(distDir, target.cluster)]));
  },
};

/** 6: Flux has cloned the repository and applied the cluster's entry folder. */
export const syncReadyStep: ClusterStep = {
  label: 'sync ready',
  async run({ runner, target }) {
    await runner.change(kubectl(target, ['-n', FLUX_NAMESPACE, 'wait', `kustomization/${FLUX_SOURCE_NAME}`, '--for=condition=Ready', `--timeout=${SYNC_TIMEOUT}`]));
  },
};

/** The steps of one cluster, in order. */
export const CLUSTER_STEPS: readonly ClusterStep[] = [kubeContextStep, cacertsStep, fluxInstallStep, gitSecretStep, syncObjectsStep, syncReadyStep];

/** Flux's release manifest (all controllers) for `version`, e.g. v2.9.4. */
export const fluxInstallUrl = (version: string): string => `https://github.com/fluxcd/flux2/releases/download/${version}/install.yaml`;
