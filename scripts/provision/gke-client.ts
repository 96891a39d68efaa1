/**
 * The one place a ClusterManagerClient is made: for Google (Application Default Credentials) or
 * for a local emulator (plaintext gRPC, no credentials).
 */
// The v1 client alone: the package's entry also loads the v1beta1 client and the 11 MB static
// protos module, ≈ 175 ms of CPU at every provision's start for code that is never called.
import { ClusterManagerClient } from '@google-cloud/container/build/src/v1/index.js';
// The copy google-gax itself uses (npm dedupes it; `npm ls @grpc/grpc-js` shows one version).
import { credentials } from '@grpc/grpc-js';
import type { HostPort } from './endpoints.ts';
import { CredentialsError } from './errors.ts';

/** The hint printed when no credentials are found; the whole message, on one line. */
export const NO_CREDENTIALS_HINT =
  'no Google credentials found: run "gcloud auth application-default login" or set GOOGLE_APPLICATION_CREDENTIALS';

/**
 * A client for `emulator` when given, else for container.googleapis.com. With insecure channel
 * credentials gax attaches no auth at all; `universeDomain` stops it from asking ADC (and probing
 * the metadata server) just to learn the domain.
 */
export function createGkeClient(emulator?: HostPort): ClusterManagerClient {
  if (!emulator) return new ClusterManagerClient();
  return new ClusterManagerClient({
    apiEndpoint: emulator.host,
    port: emulator.port,
    sslCreds: credentials.createInsecure(),
    universeDomain: 'googleapis.com',
  });
}

/**
 * Loads Application Default Credentials up front, so a missing login is one clear line instead of
 * a stack trace from the first call.
 */
export async function checkCredentials(client: ClusterManagerClient): Promise<void> {
  // Off GCE, google-auth-library probes the metadata server and emits a MetadataLookupWarning
  // when it is not there, which is exactly the case the hint below explains.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'MetadataLookupWarning' || (warning as Error)?.name === 'MetadataLookupWarning') return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    await client.auth.getClient();
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/default credentials/i.test(message)) throw new CredentialsError(NO_CREDENTIALS_HINT);
    throw new CredentialsError(`cannot load Google credentials: ${message.split('\n')[0]}`);
  } finally {
    process.emitWarning = emitWarning;
  }
}
