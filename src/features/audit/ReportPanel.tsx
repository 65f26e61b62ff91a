import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { useDeferredValue, useState } from 'react';
import { auditWorker } from '../../bridge/audit';
import { useJob } from '../../bridge/useJob';
import type { SuiteFileSummary, UploadedTextFile } from '../../workers/auditApi';
import { ErrorMessage } from '../../components/ErrorMessage';
import { downloadText } from '../../components/download';
import { ProgressBar } from '../../components/ProgressBar';
import type { RobustnessReport } from '../../core/audit/report';
import {
  selectAuditData,
  selectAuditSet,
  selectAuditSpec,
  selectComparedReport,
  selectKeepReport,
  selectReports,
  selectShownReport,
  useAuditLab,
} from '../../stores/auditLab';
import { selectSeed, selectSetSettings, selectSuite, useSettings } from '../../stores/settings';
import { LockMark } from '../../components/LockMark';
import { useControl } from '../../stores/useControl';
import { CompareView } from './CompareView';
import { errorText } from './files';
import { ReportView } from './ReportView';
import { formatBytes } from '../../core/format';

const SUITES = {
  quick: 'Quick: 100 images (half a minute) or 40 texts (a minute)',
  standard: 'Standard: 500 images or 200 texts, several minutes',
} as const;

const fileBase = (name: string) => `robustness-${name.replace(/[^\w.-]+/g, '_')}`;

/** Run the suite (progress, cancel), show the report, export it, import others and compare two. */
export function ReportPanel() {
  const spec = useAuditLab(selectAuditSpec);
  const data = useAuditLab(selectAuditData);
  const reports = useAuditLab(selectReports);
  const shown = useAuditLab(selectShownReport);
  // The report itself is drawn in a deferred, interruptible render: a new report never blocks the page in one task.
  const shownLater = useDeferredValue(shown);
  const compared = useAuditLab(selectComparedReport);
  const set = useAuditLab(selectAuditSet);
  const keep = useAuditLab(selectKeepReport);
  const suite = useSettings(selectSuite);
  const seed = useSettings(selectSeed);
  const setSettings = useSettings(selectSetSettings);
  const suiteControl = useControl('suite');
  const seedControl = useControl('seed');
  const job = useJob<RobustnessReport>('audit-report');
  const error = job.error === undefined ? undefined : errorText(new Error(job.error));
  const [importError, setImportError] = useState<string>();
  const [exportError, setExportError] = useState<string>();
  const [suiteFile, setSuiteFile] = useState<{ file: UploadedTextFile; summary: SuiteFileSummary }>();
  const [suiteFileError, setSuiteFileError] = useState<string>();
  const chooseSuiteFile = async (file: File | undefined) => {
    setSuiteFileError(undefined);
    setSuiteFile(undefined);
    if (!file) return;
    try {
      if (file.size > 64 * 1024) throw new Error(`${file.name} is ${formatBytes(file.size)}; a suite file is at most 64 KB.`);
      const uploaded = { name: file.name, text: await file.text() };
      setSuiteFile({ file: uploaded, summary: await auditWorker.call('checkSuiteFile', { file: uploaded }) });
    } catch (e) {
      setSuiteFileError(errorText(e));
    }
  };
  const focus = useRunFocus(job.running);

  const run = async () => {
    if (!spec) return;
    const end = await job.start({ lab: 'audit', title: `Robustness report of ${spec.name}` }, (options) =>
      auditWorker.call('run', { spec, suite, suiteFile: suiteFile?.file, seed }, options),
    );
    if (end.ok) {
      const report = end.result;
      keep(report, `${report.model.name}, ${new Date(report.createdAt).toLocaleTimeString()}${report.partial ? ' (partial)' : ''}`);
      announce(`The robustness report of ${report.model.name} is ready${report.partial ? ' (partial)' : ''}; it follows.`);
    } else announce(end.cancelled ? 'The report was cancelled.' : `The report failed: ${errorText(new Error(end.error))}`);
  };
  const importFile = async (file: File) => {
    setImportError(undefined);
    try {
      // The schema's validator and the HTML writer load when first needed, not with the app.
      const { MAX_REPORT_FILE_BYTES, parseReportFile } = await import('../../core/audit/reportSchema');
      if (file.size > MAX_REPORT_FILE_BYTES) {
        throw new Error(
          `${file.name} is ${formatBytes(file.size)}; a report file is at most ${formatBytes(MAX_REPORT_FILE_BYTES)}. Import a report saved by the playground or written by npm run audit.`,
        );
      }
      // An exported HTML report carries its JSON, so either file imports.
      const report = parseReportFile(await file.text(), file.name);
      const key = keep(report, `${file.name} (imported)`);
      if (shown && shown.key !== key) set({ shown: shown.key, compareWith: key });
    } catch (e) {
      setImportError(errorText(e));
    }
  };
  const exportReport = async (report: RobustnessReport, kind: 'json' | 'html') => {
    setExportError(undefined);
    try {
      const name = `${fileBase(report.model.name)}.${kind}`;
      if (kind === 'json') downloadText(name, JSON.stringify(report, null, 2) + '\n', 'application/json');
      else downloadText(name, (await import('../../core/audit/reportHtml')).renderReportHtml(report), 'text/html');
    } catch (e) {
      setExportError(`The ${kind.toUpperCase()} export failed: ${errorText(e)}`);
    }
  };

  return (
    <section className="audit-section" aria-label="robustness report">
      <h3>4. Robustness report</h3>
      <div className="run-row">
        {suiteControl.hidden ? null : (
          <label>
            Suite{suiteControl.locked ? <LockMark /> : null}{' '}
            <select
              value={suite}
              onChange={(e) => setSettings({ suite: e.target.value as keyof typeof SUITES })}
              aria-label="suite"
              disabled={!!suiteFile || suiteControl.locked}
            >
              {Object.entries(SUITES).map(([id, label]) => (
                <option key={id} value={id}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
        {suiteControl.locked || suiteControl.hidden ? null : (
          <label title="Your own budgets and attack parameters: the file npm run audit --suite-file takes">
            or a suite file{' '}
            <input type="file" accept=".json,application/json" aria-label="suite file" onChange={(e) => void chooseSuiteFile(e.target.files?.[0])} />
          </label>
        )}
        {seedControl.hidden ? null : (
          <label>
            Seed{seedControl.locked ? <LockMark /> : null}{' '}
            <input
              type="number"
              value={seed}
              min={0}
              disabled={seedControl.locked}
              onChange={(e) => setSettings({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
              aria-label="seed"
              style={{ width: '6em' }}
            />
          </label>
        )}
        <button ref={focus.run} type="button" onClick={() => void run()} disabled={!spec || !data || job.running}>
          Run the report
        </button>
        {!data ? <span className="muted">Load a model, pass the checks and choose the data first.</span> : null}
      </div>
      <div>
        {suiteFile ? (
          <p className="note" data-testid="suite-file">
            Suite file {suiteFile.file.name}: &quot;{suiteFile.summary.name}&quot;, {suiteFile.summary.summary}.{' '}
            <button type="button" className="link" onClick={() => setSuiteFile(undefined)}>
              use the built-in suite
            </button>
          </p>
        ) : null}
        {suiteFileError ? (
          <p className="error" role="alert">
            {suiteFileError}
          </p>
        ) : null}
      </div>
      {job.running ? <ProgressBar fraction={job.fraction} message={job.message} onCancel={job.cancel} cancelRef={focus.stop} /> : null}
      <ErrorMessage message={error} />
      <div className="run-row">
        <label>
          Import a report (JSON or HTML){' '}
          <input
            type="file"
            accept=".json,.html,application/json,text/html"
            aria-label="import report"
            onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])}
          />
        </label>
      </div>
      <ErrorMessage message={importError} />
      {reports.length > 0 ? (
        <div className="run-row">
          <label>
            Show{' '}
            <select value={shown?.key ?? ''} onChange={(e) => set({ shown: e.target.value })} aria-label="shown report">
              {reports.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            compare with{' '}
            <select value={compared?.key ?? ''} onChange={(e) => set({ compareWith: e.target.value || undefined })} aria-label="compared report">
              <option value="">nothing</option>
              {reports
                .filter((r) => r.key !== shown?.key)
                .map((r) => (
                  <option key={r.key} value={r.key}>
                    {r.label}
                  </option>
                ))}
            </select>
          </label>
          {shown ? (
            <>
              <button type="button" onClick={() => void exportReport(shown.report, 'json')}>
                Export JSON
              </button>
              <button type="button" onClick={() => void exportReport(shown.report, 'html')}>
                Export HTML
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      <ErrorMessage message={exportError} />
      {shown && compared ? <CompareView a={shown.report} b={compared.report} labels={[shown.label, compared.label]} /> : null}
      {shownLater ? <ReportView report={shownLater.report} /> : null}
    </section>
  );
}
