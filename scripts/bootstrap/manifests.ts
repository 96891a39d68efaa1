/**
 * The objects bootstrap applies that cannot live in git: Secrets with data (and the namespaces
 * they need first). Built in memory and given to `kubectl apply -f -` on stdin, so key material
 * never touches a file in the repository; each comes with a redacted twin for the dry run.
 */
import { stringify } from 'yaml';
import type { CommandInput } from './command.ts';
import { REDACTED } from './redact.ts';

/** Marks the objects bootstrap owns, so `kubectl get secret -l …` finds them. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'meshfleet-bootstrap' } as const;

export interface SecretProps {
  readonly name: string;
  readonly namespace: string;
  /** Key → plain value (encoded to base64 here). */
  readonly data: Readonly<Record<string, string>>;
  /** @default - only the managed-by label */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** @default 'Opaque' */
  readonly type?: string;
}

/** A Namespace manifest (what `kubectl create namespace NAME --dry-run=client -o yaml` prints). */
export function namespaceManifest(name: string): CommandInput {
  const text = stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return { text, display: text };
}

/**
 * A Secret manifest. Values go in `data` (base64), not `stringData`: server-side apply then owns
 * exactly the keys it sent, so a re-apply is a no-op and a removed key is removed.
 */
export function secretManifest(props: SecretProps): CommandInput {
  const build = (value: (v: string) => string) => stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: props.name,
      namespace: props.namespace,
      labels: { ...MANAGED_BY, ...props.labels },
      ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
    },
    type: props.type ?? 'Opaque',
    data: Object.fromEntries(Object.entries(props.data).map(([k, v]) => [k, value(v)])),
  });
  return { text: build((v) => Buffer.from(v).toString('base64')), display: build(() => REDACTED) };
}
