/**
 * Serialized texts kept across the renders of one process, by what they were serialized from.
 * A render serializes each distinct document once (render.ts YamlCache), but a process that renders
 * more than once, as `diff` does (the working tree, then REF's clusters the change reaches) and
 * the tests do (the same fleets with small edits, hundreds of times), would serialize the same
 * documents again in every render. The text of a plain-JSON document depends on its JSON alone,
 * so a text made by one render is the text any other render of the same code would make.
 *
 * Bounded: two generations of at most `budget` characters each (keys and texts). When the newer
 * one is full it becomes the older and the oldest is dropped; a text found in the older
 * generation moves to the newer, so what renders keep asking for stays.
 */
export class SerializedTexts {
  private newer = new Map<string, string>();
  private older = new Map<string, string>();
  private size = 0;

  /** @param budget characters per generation (keys and texts together) */
  constructor(private readonly budget: number) {}

  /** The text kept for `key`, made by `make` (and kept) when there is none. */
  get(key: string, make: () => string): string {
    let text = this.newer.get(key);
    if (text !== undefined) return text;
    text = this.older.get(key) ?? make();
    this.newer.set(key, text);
    this.size += key.length + text.length;
    if (this.size > this.budget) {
      this.older = this.newer;
      this.newer = new Map();
      this.size = 0;
    }
    return text;
  }
}

/**
 * The texts of this process. 32 M characters per generation: the distinct documents of a
 * 500-cluster fleet take a few M; at most it holds about 64 MB of (one-byte) text.
 */
export const SERIALIZED_TEXTS = new SerializedTexts(32 * 2 ** 20);
