/**
 * Names of the Istio pieces other charts refer to. The `gateway` chart derives its selector labels
 * from the release name (`istio: <name without "istio-">`, `app: <name>`), so these must agree with
 * the HelmRelease names in charts/istio.
 */
export const ISTIO_NAMESPACE = 'istio-system';

/** Ingress gateway: Helm release, namespace, Service and ServiceAccount are all `istio-ingress`. */
export const INGRESS = {
  release: 'istio-ingress',
  namespace: 'istio-ingress',
  service: 'istio-ingress',
  serviceAccount: 'istio-ingress',
  selector: { istio: 'ingress' },
  /** HTTP port of the gateway chart's Service (80 → 80; not the legacy 8080 of istio-ingressgateway). */
  httpPort: 80,
  /** Envoy's readiness endpoint on every Istio gateway. */
  statusPort: 15021,
  readinessPath: '/healthz/ready',
} as const;

/** East-west gateway, in istio-system as the multicluster docs install it. */
export const EAST_WEST = {
  release: 'istio-eastwestgateway',
  namespace: ISTIO_NAMESPACE,
  service: 'istio-eastwestgateway',
  selector: { istio: 'eastwestgateway' },
  ports: { status: 15021, mtls: 15443, istiod: 15012, webhook: 15017 },
} as const;

/**
 * A revision's istiod: its Helm release, and the Service its chart names `istiod-<revision>`,
 * which webhooks and proxies call (in a remote, a selector-less one reaching the primary's).
 */
export const istiodOf = (revision: string): string => `istiod-${revision}`;

/** The Helm release that holds a revision tag's injection webhook (see Istiod). */
export const tagReleaseOf = (tag: string): string => `istio-tag-${tag}`;

/** The label the istiod chart puts on a revision tag's objects (`istio.io/tag: <tag>`). */
export const TAG_LABEL = 'istio.io/tag';

/** Reader token Secret a primary's istiod uses to watch a cluster (same name istioctl uses). */
export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';
export const READER_TOKEN_SECRET = 'istio-reader-service-account-istio-remote-secret-token';

/** SPIFFE principal of a service account, as AuthorizationPolicy matches it (without `spiffe://`). */
export const principal = (trustDomain: string, namespace: string, serviceAccount: string): string =>
  `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
