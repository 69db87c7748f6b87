import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';

/** Folders that are never part of an image: version control metadata. */
const SKIPPED = new Set(['.git']);
export const IMAGE_ID = /^[a-f0-9]{16}$/;

export interface BakedImage {
  id: string;
  path: string;
  reused: boolean;
}

/**
 * A content hash of a folder: every file's relative path, executable bit and bytes, in path order,
 * so the same content always gives the same id wherever the folder lives. 16 hex digits of SHA-256.
 */
export function hashFolder(root: string): string {
  const hash = createHash('sha256');
  for (const file of filesOf(root)) {
    const mode = statSync(file).mode & 0o111 ? 'x' : '-';
    const content = readFileSync(file);
    hash.update(`${relative(root, file).split('\\').join('/')}\0${mode}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Copies `source` to `<imagesDir>/<hash>` unless that image exists (same content → same image,
 * reused). The copy goes to a temporary folder first and is renamed into place, so a crash never
 * leaves a half image under the final name.
 */
export function bakeFolder(source: string, imagesDir: string): BakedImage {
  const id = hashFolder(source);
  const path = join(imagesDir, id);
  if (existsSync(path)) return { id, path, reused: true };
  const temporary = join(imagesDir, `.tmp-${id}-${randomBytes(4).toString('hex')}`);
  try {
    cpSync(source, temporary, { recursive: true, filter: (from) => !SKIPPED.has(from.split(/[\\/]/).pop() ?? '') });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    // Another bake of the same content won the rename: its image is this one.
    if (existsSync(path)) return { id, path, reused: true };
    throw error;
  }
  return { id, path, reused: false };
}

function filesOf(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    const entries: Dirent[] = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(root);
  return files;
}
