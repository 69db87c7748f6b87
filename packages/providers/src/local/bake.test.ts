import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bakeFolder, hashFolder } from './bake';

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gantry-bake-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('hashFolder', () => {
  it('depends on paths, bytes and the executable bit, not on where the folder is', () => {
    const a = folder({ 'server.mjs': 'x', 'lib/util.mjs': 'y' });
    const copy = mkdtempSync(join(tmpdir(), 'gantry-bake-copy-'));
    cpSync(a, copy, { recursive: true });
    expect(hashFolder(copy)).toBe(hashFolder(a));
    expect(hashFolder(a)).toMatch(/^[a-f0-9]{16}$/);
    expect(hashFolder(folder({ 'server.mjs': 'x', 'lib/util.mjs': 'z' }))).not.toBe(hashFolder(a));
    expect(hashFolder(folder({ 'server.mjs': 'x', 'lib/other.mjs': 'y' }))).not.toBe(hashFolder(a));
    chmodSync(join(copy, 'server.mjs'), 0o755);
    expect(hashFolder(copy)).not.toBe(hashFolder(a));
  });

  it('ignores .git', () => {
    expect(hashFolder(folder({ 'a.txt': '1', '.git/HEAD': 'ref' }))).toBe(hashFolder(folder({ 'a.txt': '1' })));
  });
});

describe('bakeFolder', () => {
  it('copies once under the content hash and reuses it after', () => {
    const images = mkdtempSync(join(tmpdir(), 'gantry-images-'));
    const source = folder({ 'server.mjs': 'console.log(1)', '.git/HEAD': 'ref' });
    const first = bakeFolder(source, images);
    expect(first).toEqual({ id: hashFolder(source), path: join(images, first.id), reused: false });
    expect(existsSync(join(first.path, 'server.mjs'))).toBe(true);
    expect(existsSync(join(first.path, '.git'))).toBe(false);
    expect(bakeFolder(source, images)).toEqual({ ...first, reused: true });
    // No temporary folder is left behind.
    expect(readdirSync(images)).toEqual([first.id]);
  });
});
