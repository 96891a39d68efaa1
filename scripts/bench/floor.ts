/**
 * The serialization floor: the same objects as a synth's output, as plain data, written back into
 * the same files by nothing but `yaml`'s stringify. What a Node generator cannot go below.
 *
 * `floorInput(dir)` reads a synth output directory and turns each YAML file back into its objects
 * (and its leading comment lines); `writeFloor` writes them again. The floor child process
 * (floor-child.ts) runs `writeFloor` on a JSON file holding that input.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { listFiles } from '../lib/write-tree.ts';
import { byCodeUnits } from '../../config/code-units.ts';

/** A YAML file as its leading comment lines and its documents, or any other file as text. */
export type FloorFile =
  | { readonly path: string; readonly prefix: string; readonly docs: readonly unknown[] }
  | { readonly path: string; readonly text: string };

export interface FloorInput {
  readonly files: readonly FloorFile[];
  /** Kubernetes objects among the docs (kustomization.yaml files not counted, as synth counts). */
  readonly objects: number;
}

/** cdk8s's own `Yaml.stringify` options (YAML 1.1 output, no line folding). */
export const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/** Every file below `dir`, YAML files parsed to plain objects, sorted by path. */
export function floorInput(dir: string): FloorInput {
  const files: FloorFile[] = [];
  let objects = 0;
  for (const [path, abs] of [...listFiles(dir)].sort(([a], [b]) => byCodeUnits(a, b))) {
    const text = readFileSync(abs, 'utf8');
    if (!path.endsWith('.yaml')) {
      files.push({ path, text });
      continue;
    }
    const prefix = /^(#[^\n]*\n)*/.exec(text)![0];
    const docs = parseAllDocuments(text, { version: '1.1' }).map((doc) => {
      if ('errors' in doc && doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
      return doc.toJS();
    });
    if (!path.endsWith('/kustomization.yaml') && path !== 'kustomization.yaml') objects += docs.length;
    files.push({ path, prefix, docs });
  }
  return { files, objects };
}

/** Writes every file of `input` below `out` (created as needed); returns the number of files. */
export function writeFloor(input: FloorInput, out: string): number {
  const made = new Set<string>();
  for (const file of input.files) {
    const target = join(out, file.path);
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, 'text' in file ? file.text : file.prefix + file.docs.map((doc) => stringify(doc, YAML_OPTIONS)).join('---\n'));
  }
  return input.files.length;
}
