/**
 * The checks run on every report written and every report imported, with the schema in ./reportJsonSchema.ts
 * compiled ahead of time (./validators.generated.js): no code is compiled at run time. A report from a newer schema
 * version is refused with a message; an older one would be upgraded here.
 */
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type RobustnessReport } from './report';
import { reportJsonFromHtml } from './reportHtml';
import { validateReportJson } from './validators.generated';

/** Larger files are refused before they are read: a report at every schema limit is about 40 MB, its HTML twice that. */
export const MAX_REPORT_FILE_BYTES = 128 * 1024 * 1024;

/** Every way `value` departs from the schema, as readable lines; empty when it is a valid report. */
export function validateReport(value: unknown): string[] {
  if (validateReportJson(value)) return [];
  return (validateReportJson.errors ?? [])
    .slice(0, 20)
    .map(
      (e) =>
        `${e.instancePath || '(report)'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`,
    );
}

/** Checks a parsed value is a report: the right kind, a version this build knows, and valid. */
function checkReport(value: unknown, fileName: string): RobustnessReport {
  const header = value as { kind?: unknown; schemaVersion?: unknown } | null;
  if (!header || typeof header !== 'object' || header.kind !== REPORT_KIND) {
    throw new Error(`${fileName} is not a robustness report (its "kind" is ${JSON.stringify(header?.kind ?? null)}, expected "${REPORT_KIND}").`);
  }
  if (typeof header.schemaVersion === 'number' && header.schemaVersion > REPORT_SCHEMA_VERSION) {
    throw new Error(
      `${fileName} uses report schema version ${header.schemaVersion}; this build reads up to version ${REPORT_SCHEMA_VERSION}. Open it with a newer playground.`,
    );
  }
  const problems = validateReport(value);
  if (problems.length > 0)
    throw new Error(`${fileName} does not match the report schema: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; ...' : ''}.`);
  return value as RobustnessReport;
}

/** Reads a report file a user imports as JSON. */
export function parseReportJson(text: string, fileName = 'report.json'): RobustnessReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName} is not valid JSON (${(error as Error).message}). Import a report saved by the playground or written by npm run audit.`, {
      cause: error,
    });
  }
  return checkReport(value, fileName);
}

/** Reads a report file a user imports: JSON, or an exported HTML report (it carries its JSON). */
export function parseReportFile(text: string, fileName: string): RobustnessReport {
  return /\.html?$/i.test(fileName) ? checkReport(reportJsonFromHtml(text, fileName), fileName) : parseReportJson(text, fileName);
}
