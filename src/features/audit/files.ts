import { escapeForMessage } from '../../core/audit/quote';
import type { UploadedFile } from '../../workers/auditApi';

/** Files the user picked or dropped, read as bytes, with their folder paths when a folder was chosen. */
export async function readFiles(files: FileList | File[]): Promise<UploadedFile[]> {
  return Promise.all(Array.from(files).map(async (file) => ({ path: file.webkitRelativePath || file.name, bytes: await file.arrayBuffer() })));
}

/** An error as the page shows it; names from the user's files inside it have control and bidi characters escaped. */
export const errorText = (error: unknown) => escapeForMessage(error instanceof Error ? error.message : String(error), Infinity);

/** At most `max` characters of a text from a report, with an ellipsis when cut: the page stays readable (exports keep it whole). */
export const clip = (text: string, max = 600) => (text.length > max ? `${text.slice(0, max)}…` : text);
