/**
 * Keeps secret values out of everything bootstrap prints. Every secret it reads or makes (private
 * keys, tokens, passwords) is registered here, and all output, command errors included, passes
 * through `redact` first.
 */

/** What replaces a secret value in output. */
export const REDACTED = '<redacted>';

/** Shorter pieces are not redacted on their own: they would match innocent text. */
const MIN_PIECE = 16;

export class Redactor {
  private readonly values = new Set<string>();

  /**
   * Registers a secret (and its base64 form, which is how Secret manifests carry it); returns it.
   * With `lines` (a key), each long line is registered too, so a tool that echoes one line of a
   * key is still covered; a document that only holds a secret (a kubeconfig) registers as a whole.
   */
  add(value: string, options: { lines?: boolean } = {}): string {
    const lines = (options.lines ?? true) ? value.split('\n').map((line) => line.trim()) : [];
    const pieces = [value, ...lines];
    for (const piece of pieces) {
      if (piece.length < MIN_PIECE && piece !== value) continue;
      if (piece.length === 0) continue;
      this.values.add(piece);
      this.values.add(Buffer.from(piece).toString('base64'));
    }
    return value;
  }

  /** `text` with every registered value replaced by `<redacted>`, longest first. */
  redact(text: string): string {
    let out = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return out;
  }
}

/** Where text goes: a stream or anything with `write`. */
export interface Writer {
  write(text: string): unknown;
}

/** A writer that redacts before it writes. */
export function redactingWriter(out: Writer, redactor: Redactor): Writer {
  return { write: (text: string) => out.write(redactor.redact(text)) };
}

/** A writer that shows paths under `home` as `~/…` (shorter lines, and no user name in pasted logs). */
export function homeAbbreviatingWriter(out: Writer, home: string): Writer {
  const prefix = `${home.replace(/\/+$/, '')}/`;
  if (prefix === '/') return out;
  return { write: (text: string) => out.write(text.split(prefix).join('~/')) };
}
