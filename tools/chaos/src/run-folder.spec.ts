import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRunFolder } from './run-folder';

describe('createRunFolder', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'chaos-runs-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes a folder named by the time and keeps only the newest runs', () => {
    for (const name of ['2026-01-01T10-00-00-000Z', '2026-01-02T10-00-00-000Z', '2026-01-03T10-00-00-000Z']) {
      mkdirSync(path.join(root, name));
      writeFileSync(path.join(root, name, 'chaos-g1.log'), 'output');
    }
    writeFileSync(path.join(root, 'notes.txt'), 'not a run');
    const folder = createRunFolder(root, new Date('2026-01-04T10:00:00.000Z'), 3);
    expect(path.basename(folder)).toBe('2026-01-04T10-00-00-000Z');
    expect(readdirSync(root).sort()).toEqual([
      '2026-01-02T10-00-00-000Z',
      '2026-01-03T10-00-00-000Z',
      '2026-01-04T10-00-00-000Z',
      'notes.txt',
    ]);
  });
});
