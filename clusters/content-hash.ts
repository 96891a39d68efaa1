/**
 * The one hash of render keys, kept routing costs, document digests and the synth cache's checksum:
 * sha256 of the parts, each ended by a NUL (so ("ab", "c") and ("a", "bc") differ), in base64url.
 * A part given as bytes hashes as the string they encode in UTF-8 would.
 */
import { createHash } from 'node:crypto';

export function contentHash(...parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const part of parts) h.update(part).update('\0');
  return h.digest('base64url');
}
