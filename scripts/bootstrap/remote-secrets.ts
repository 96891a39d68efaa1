/**
 * Remote secrets: how a primary's istiod discovers the endpoints of another cluster. Which pairs
 * need one follows from the fleet (never typed): each remote is read by its primary; with several
 * primaries (multi-primary), every primary reads every other cluster.
 */
import { READER_TOKEN_SECRET, ISTIO_NAMESPACE } from '../../charts/istio/names.ts';
import { primaries, watchersOf, type Fleet } from '../../config/model.ts';
import type { CommandInput } from './command.ts';
import { BootstrapError } from './errors.ts';
import { describeCluster, kubectl, remoteKubeconfig, type KubeTarget } from './kube.ts';
import { secretManifest } from './manifests.ts';
import type { Redactor } from './redact.ts';
import type { Runner } from './runner.ts';

/** `reader`'s istiod watches `target`: a Secret `istio-remote-secret-<target>` goes into `reader`. */
export interface RemoteSecretPair {
  readonly reader: string;
  readonly target: string;
}

/** How long to wait for the reader token (Flux must first apply the istiod layer). */
export const TOKEN_TIMEOUT = '10m';

/** `istio-remote-secret-<cluster>`, the name istioctl gives it. */
export const remoteSecretName = (cluster: string): string => `istio-remote-secret-${cluster}`;

/**
 * Every pair that needs a remote secret, by reader then target in config order; with `only`, the
 * pairs that involve that cluster on either side.
 */
export function remoteSecretPairs(fleet: Fleet, only?: string): RemoteSecretPair[] {
  // The same rule that renders the reader token Secret in each watched cluster (clusters/istio.ts).
  const pairs = primaries(fleet).flatMap((reader) =>
    fleet.clusters.filter((target) => watchersOf(fleet, target).some((w) => w.name === reader.name)).map((target) => ({ reader: reader.name, target: target.name })));
  return only === undefined ? pairs : pairs.filter((p) => p.reader === only || p.target === only);
}

/** Targets of `pairs`, each once, in order of first appearance in the fleet. */
export function targetsOf(fleet: Fleet, pairs: readonly RemoteSecretPair[]): string[] {
  const names = new Set(pairs.map((p) => p.target));
  return fleet.clusters.filter((c) => names.has(c.name)).map((c) => c.name);
}

/**
 * Waits for Kubernetes to fill the reader token Secret (rendered in the istiod layer, data left to
 * the token controller), reads the token and the cluster's API endpoint and CA, and returns the
 * kubeconfig a primary needs. The token and the kubeconfig are registered with the redactor.
 */
export async function readerKubeconfig(runner: Runner, target: KubeTarget, redactor: Redactor): Promise<string> {
  const secret = `secret/${READER_TOKEN_SECRET}`;
  const ns = ['-n', ISTIO_NAMESPACE];
  // `wait --for=jsonpath` fails at once on a missing object; `--for=create` (kubectl ≥ 1.31) waits for it first.
  await runner.change(kubectl(target, [...ns, 'wait', '--for=create', secret, `--timeout=${TOKEN_TIMEOUT}`]));
  await runner.change(kubectl(target, [...ns, 'wait', '--for=jsonpath={.data.token}', secret, `--timeout=${TOKEN_TIMEOUT}`]));
  const encoded = await runner.read(kubectl(target, [...ns, 'get', secret, '-o', 'jsonpath={.data.token}']), Buffer.from('<token>').toString('base64'));
  const token = redactor.add(Buffer.from(encoded.trim(), 'base64').toString('utf8'));
  if (!token) throw new BootstrapError(`the Secret ${ISTIO_NAMESPACE}/${READER_TOKEN_SECRET} of cluster ${target.cluster} has no token`);

  const placeholder = JSON.stringify({ endpoint: `<endpoint of ${target.cluster}>`, masterAuth: { clusterCaCertificate: '<cluster CA>' } });
  const described = await runner.read(describeCluster(target), placeholder);
  const { endpoint, caData } = parseDescribe(described, target.cluster);
  return redactor.add(remoteKubeconfig({ cluster: target.cluster, server: `https://${endpoint}`, caData, token }), { lines: false });
}

/** The remote secret for `target`, to apply in the reader's istio-system (istioctl's shape). */
export function remoteSecretManifest(target: string, kubeconfig: string): CommandInput {
  return secretManifest({
    name: remoteSecretName(target),
    namespace: ISTIO_NAMESPACE,
    labels: { 'istio/multiCluster': 'true' },
    annotations: { 'networking.istio.io/cluster': target },
    data: { [target]: kubeconfig },
  });
}

/** `endpoint` and `masterAuth.clusterCaCertificate` from `gcloud … describe --format=json`. */
export function parseDescribe(json: string, cluster: string): { endpoint: string; caData: string } {
  let parsed: { endpoint?: unknown; masterAuth?: { clusterCaCertificate?: unknown } };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    throw new BootstrapError(`gcloud container clusters describe ${cluster} did not print JSON`);
  }
  const endpoint = parsed.endpoint;
  const caData = parsed.masterAuth?.clusterCaCertificate;
  if (typeof endpoint !== 'string' || !endpoint || typeof caData !== 'string' || !caData) {
    throw new BootstrapError(`gcloud container clusters describe ${cluster} gave no endpoint or masterAuth.clusterCaCertificate (is the cluster running?)`);
  }
  return { endpoint, caData };
}
