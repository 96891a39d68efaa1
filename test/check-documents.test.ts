/**
 * `check` and `diff` read the objects of their own renders from the documents' JSON
 * (`RenderedFleet.documents`) instead of parsing the YAML they wrote: the
 * objects must be exactly the ones the YAML holds, for the default fleet and every example, and a
 * file without documents is still parsed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderFleet } from '../clusters/render.ts';
import { parseRendered } from '../scripts/review/objects.ts';
import { DEFAULT_FLEET, EXAMPLES, render } from './helpers.ts';

describe('objects from the render\'s documents', () => {
  test('the same objects as the YAML holds, in the same order, for every shipped fleet', () => {
    for (const file of [DEFAULT_FLEET, ...EXAMPLES]) {
      const { fleet, rendered } = render(file);
      const { files, documents } = renderFleet(fleet, { documents: true });
      assert.deepEqual([...files], [...rendered.files], `${file}: documents change no byte`);
      const objectFiles = [...files.keys()].filter((p) => p.startsWith('clusters/') && !p.endsWith('/kustomization.yaml'));
      assert.deepEqual([...documents!.keys()].sort(), objectFiles.sort(), `${file}: every file of objects has its documents`);
      assert.deepEqual(parseRendered(files, new Map(), documents), parseRendered(files), file);
    }
  });

  test('a file whose documents are not given is parsed from its YAML', () => {
    const { rendered } = render(DEFAULT_FLEET);
    const [path, text] = [...rendered.files].find(([p]) => p.endsWith('/apps/bookinfo-workloads.yaml'))!;
    const wrong = new Map([[path, ['{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"from-json"}}']]]);
    const files = new Map([[path, text]]);
    assert.equal(parseRendered(files, new Map(), wrong)[0]!.name, 'from-json', 'given documents are read');
    assert.notEqual(parseRendered(files, new Map(), new Map())[0]!.name, 'from-json', 'missing ones are parsed');
  });
});
