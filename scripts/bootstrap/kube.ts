/**
 * Reaching one cluster: its own kubeconfig file in the state directory (never the user's
 * ~/.kube/config), the context gcloud names in it, and the kubectl/gcloud commands built on them.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Cluster } from '../../config/model.ts';
import type { Command } from './command.ts';

/** Field manager of every server-side apply bootstrap makes. */
export const FIELD_MANAGER = 'meshfleet-bootstrap';

/**
 * `kubectl apply` as bootstrap uses it: server-side, so a Secret's data is not copied into the
 * `last-applied-configuration` annotation (client-side apply would keep a second, plain copy of
 * every key there); conflicts forced, since bootstrap is the owner of what it applies.
 */
export const APPLY = ['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`] as const;

/** How bootstrap talks to one cluster. */
export interface KubeTarget {
  readonly cluster: string;
  readonly region: string;
  readonly project: string;
  /** Kubeconfig file written by `gcloud container clusters get-credentials`. */
  readonly kubeconfig: string;
  /** The context gcloud creates: `gke_<project>_<location>_<cluster>`. */
  readonly context: string;
}

/** The folder of the per-cluster kubeconfig files. */
export const kubeconfigDir = (stateDir: string): string => join(stateDir, 'kube');

/** The target of `cluster`: `<state>/kube/<cluster>.yaml` and gcloud's context name. */
export function kubeTarget(stateDir: string, project: string, cluster: Pick<Cluster, 'name' | 'region'>): KubeTarget {
  return {
    cluster: cluster.name,
    region: cluster.region,
    project,
    kubeconfig: join(kubeconfigDir(stateDir), `${cluster.name}.yaml`),
    context: `gke_${project}_${cluster.region}_${cluster.name}`,
  };
}

/** `gcloud container clusters get-credentials`, writing into the target's own kubeconfig file. */
export function getCredentials(target: KubeTarget): Command {
  return {
    env: { KUBECONFIG: target.kubeconfig },
    argv: ['gcloud', 'container', 'clusters', 'get-credentials', target.cluster, '--region', target.region, '--project', target.project, '--quiet'],
  };
}

/** `gcloud container clusters describe … --format=json`: the API endpoint and its CA. */
export function describeCluster(target: KubeTarget): Command {
  return { argv: ['gcloud', 'container', 'clusters', 'describe', target.cluster, '--region', target.region, '--project', target.project, '--format=json'] };
}

/** A kubectl command against the target (explicit kubeconfig and context: no ambient state). */
export function kubectl(target: KubeTarget, args: readonly string[], input?: Command['input']): Command {
  return { argv: ['kubectl', '--kubeconfig', target.kubeconfig, '--context', target.context, ...args], ...(input ? { input } : {}) };
}

export interface RemoteKubeconfigProps {
  /** Cluster name: names the cluster, context and user entries (istioctl's shape). */
  readonly cluster: string;
  /** API server URL, `https://…`. */
  readonly server: string;
  /** The API server's CA, base64 PEM (as GKE reports `masterAuth.clusterCaCertificate`). */
  readonly caData: string;
  /** Bearer token of the reader service account. */
  readonly token: string;
}

/**
 * The kubeconfig a primary's istiod uses to watch another cluster: the shape
 * `istioctl create-remote-secret` writes (cluster, context and user all named after the cluster,
 * a plain token: istiod rejects exec and auth-provider entries).
 */
export function remoteKubeconfig(props: RemoteKubeconfigProps): string {
  const name = props.cluster;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { 'certificate-authority-data': props.caData, server: props.server } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
    users: [{ name, user: { token: props.token } }],
  });
}
