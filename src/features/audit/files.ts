import type { UploadedFile } from '../../workers/auditApi';

/** Files the user picked or dropped, read as bytes, with their folder paths when a folder was chosen. */
export async function readFiles(files: FileList | File[]): Promise<UploadedFile[]> {
  return Promise.all(
    Array.from(files).map(async (file) => ({ path: file.webkitRelativePath || file.name, bytes: await file.arrayBuffer() })),
  );
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
