/**
 * Where the API calls go, from the environment: Google, or local emulators named by the emulator
 * convention (`GKE_EMULATOR_HOST`, `COMPUTE_EMULATOR_HOST` = HOST:PORT).
 */
import { EndpointError } from './errors.ts';

/** A HOST:PORT address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** How network steps (gcloud compute) run. */
export type ComputeTarget =
  | { readonly mode: 'google' }
  | { readonly mode: 'emulator'; readonly url: string }
  | { readonly mode: 'skip'; readonly reason: string };

export interface Endpoints {
  /** Set: the GKE API is a plaintext gRPC server there, no credentials. Unset: Google, with ADC. */
  readonly gkeEmulator?: HostPort;
  readonly compute: ComputeTarget;
}

/**
 * Reads the emulator variables. `COMPUTE_EMULATOR_HOST` wins whenever it is set; otherwise, with
 * `GKE_EMULATOR_HOST` set, network steps are skipped rather than sent to the real Compute API
 * next to a fake GKE.
 */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): Endpoints {
  const gke = env.GKE_EMULATOR_HOST ? parseHostPort('GKE_EMULATOR_HOST', env.GKE_EMULATOR_HOST) : undefined;
  const computeHost = env.COMPUTE_EMULATOR_HOST;
  let compute: ComputeTarget;
  if (computeHost) {
    const { host, port } = parseHostPort('COMPUTE_EMULATOR_HOST', computeHost);
    compute = { mode: 'emulator', url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/compute/v1/` };
  } else if (gke) {
    compute = { mode: 'skip', reason: 'GKE_EMULATOR_HOST is set and COMPUTE_EMULATOR_HOST is not' };
  } else {
    compute = { mode: 'google' };
  }
  return { ...(gke ? { gkeEmulator: gke } : {}), compute };
}

/** `localhost:8080`, `127.0.0.1:8080`, `[::1]:8080`; a leading `http://` is tolerated. */
export function parseHostPort(variable: string, value: string): HostPort {
  const text = value.trim().replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s/[\]]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new EndpointError(`${variable} must be HOST:PORT, e.g. 127.0.0.1:8085 (got ${JSON.stringify(value)})`);
  }
  return { host: match[1] ?? match[2]!, port };
}
