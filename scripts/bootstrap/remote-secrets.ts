/**
 * Remote secrets: how a primary's istiod discovers the endpoints of another cluster. Which pairs
 * need one follows from the fleet (never typed): each remote is read by its primary; with several
 * primaries (multi-primary), every primary reads every other cluster. A remote secret for a
 * cluster that left config (or that this primary no longer watches) is stale: istiod would keep
 * trying to reach a cluster that is gone, so bootstrap finds and deletes it.
 */
import { READER_TOKEN_SECRET, ISTIO_NAMESPACE } from '../../charts/istio/names.ts';
import { primaries, watchersOf, type Fleet } from '../../config/model.ts';
import type { Command, CommandInput } from './command.ts';
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

/** Prefix of istioctl's remote secret names (`remoteSecretPrefix` in istioctl's create-remote-secret). */
export const REMOTE_SECRET_PREFIX = 'istio-remote-secret-';

/** `istio-remote-secret-<cluster>`, the name istioctl gives it. */
export const remoteSecretName = (cluster: string): string => `${REMOTE_SECRET_PREFIX}${cluster}`;

/** The label istiod's secret controller watches; istioctl and bootstrap put it on every remote secret. */
export const REMOTE_SECRET_LABEL = { key: 'istio/multiCluster', value: 'true' } as const;

/** Lists the remote secrets of `reader`'s istio-system, one name a line. */
export function listRemoteSecrets(reader: KubeTarget): Command {
  return kubectl(reader, [
    '-n', ISTIO_NAMESPACE, 'get', 'secrets', '-l', `${REMOTE_SECRET_LABEL.key}=${REMOTE_SECRET_LABEL.value}`,
    '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}',
  ]);
}

/** The remote secrets among `listed` (names, one a line) that are not for one of `targets`. */
export function staleRemoteSecrets(listed: string, targets: readonly string[]): string[] {
  const wanted = new Set(targets.map(remoteSecretName));
  return listed.split('\n').map((l) => l.trim()).filter((n) => n.startsWith(REMOTE_SECRET_PREFIX) && !wanted.has(n)).sort();
}

/**
 * Deletes the remote secrets of `reader` that are for none of `targets` (the clusters config says
 * it watches); returns their names. A dry run prints the listing and deletes nothing.
 */
export async function removeStaleRemoteSecrets(runner: Runner, reader: KubeTarget, targets: readonly string[]): Promise<string[]> {
  const stale = staleRemoteSecrets(await runner.read(listRemoteSecrets(reader), ''), targets);
  for (const name of stale) await runner.change(kubectl(reader, ['-n', ISTIO_NAMESPACE, 'delete', 'secret', name, '--ignore-not-found']));
  return stale;
}

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
    labels: { [REMOTE_SECRET_LABEL.key]: REMOTE_SECRET_LABEL.value },
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
