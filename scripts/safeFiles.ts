/**
 * Files named by a user's files (weight shards in model.json, images in a labels CSV), and files named on the command
 * line, read with limits: a named file must stay inside the folder of the file that names it (after following
 * symbolic links), be a regular file (not a folder, a device such as /dev/zero, or a pipe), and its size is checked
 * with `stat` before a byte of it is read.
 */
import { readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { escapeForMessage, quoteForMessage } from '../src/core/audit/quote';
import { formatBytes } from '../src/core/format';

/** The largest data, vocabulary, synonym, spec or labels file the command line reads (a CSV of texts included). */
export const MAX_DATA_FILE_BYTES = 64 * 1024 * 1024;

/** A file the user's input points at that the command line will not read; its message says why and what to do. */
export class RefusedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedFileError';
  }
}

const statOrUndefined = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

const leaves = (folder: string, path: string) => {
  const rel = relative(folder, path);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
};

const kindOf = (info: Stats) =>
  info.isDirectory()
    ? 'a folder'
    : info.isCharacterDevice() || info.isBlockDevice()
      ? 'a device'
      : info.isFIFO()
        ? 'a pipe'
        : info.isSocket()
          ? 'a socket'
          : 'not a regular file';

/**
 * `name`, as written in `source` (model.json, a CSV), resolved inside `folder`. Returns the file's path and size, or
 * undefined when nothing is there (the caller says what is missing). Throws RefusedFileError for a name that is not
 * a string, is absolute, leaves the folder (with ".." or through a link) or names something other than a file.
 */
export function fileInside(folder: string, name: unknown, source: string, what: string): { path: string; size: number } | undefined {
  const where = `${escapeForMessage(source)} names ${what}`;
  const keep = `Keep the files it names inside ${escapeForMessage(folder)} and name them relative to it.`;
  if (typeof name !== 'string' || name === '')
    throw new RefusedFileError(`${where} that is not a file name (${typeof name === 'string' ? 'empty' : typeof name}). ${keep}`);
  if (isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name)) throw new RefusedFileError(`${where} by an absolute path, ${quoteForMessage(name)}. ${keep}`);
  const path = resolve(folder, name);
  if (leaves(folder, path)) throw new RefusedFileError(`${where} ${quoteForMessage(name)}, which is outside its folder. ${keep}`);
  const info = statOrUndefined(path);
  if (!info) return undefined;
  const real = realpathSync(path);
  if (leaves(realpathSync(folder), real)) {
    throw new RefusedFileError(`${where} ${quoteForMessage(name)}, a link to ${escapeForMessage(real)}, outside its folder. ${keep}`);
  }
  if (!info.isFile()) throw new RefusedFileError(`${where} ${quoteForMessage(name)}, which is ${kindOf(info)}, not a file. ${keep}`);
  return { path, size: info.size };
}

/** The size of a regular file given on the command line; refuses folders, devices and files over `maxBytes`. */
export function checkedFileSize(path: string, what: string, maxBytes: number): number {
  const info = statOrUndefined(path);
  if (!info) throw new RefusedFileError(`There is no ${what} at ${escapeForMessage(path)}.`);
  if (!info.isFile()) throw new RefusedFileError(`The ${what} ${escapeForMessage(path)} is ${kindOf(info)}, not a file. Give a regular file.`);
  if (info.size > maxBytes) {
    throw new RefusedFileError(
      `The ${what} ${escapeForMessage(path)} takes ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} the audit reads for it.`,
    );
  }
  return info.size;
}

/** A file given on the command line, read as text once `checkedFileSize` accepts it. */
export function readCheckedText(path: string, what: string, maxBytes: number): string {
  checkedFileSize(path, what, maxBytes);
  return readFileSync(path, 'utf8');
}
