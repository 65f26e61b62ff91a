import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { useRef, useState } from 'react';
import { auditWorker } from '../../bridge/audit';
import { ErrorMessage } from '../../components/ErrorMessage';
import { downloadText } from '../../components/download';
import { ProgressBar } from '../../components/ProgressBar';
import { selectAuditData, selectAuditSet, selectAuditSpec, selectComparedReport, selectKeepReport, selectReports, selectShownReport, useAuditLab } from '../../stores/auditLab';
import { selectSeed, selectSetSettings, selectSuite, useSettings } from '../../stores/settings';
import { CompareView } from './CompareView';
import { errorText, isAbort } from './files';
import { ReportView } from './ReportView';

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
  const compared = useAuditLab(selectComparedReport);
  const set = useAuditLab(selectAuditSet);
  const keep = useAuditLab(selectKeepReport);
  const suite = useSettings(selectSuite);
  const seed = useSettings(selectSeed);
  const setSettings = useSettings(selectSetSettings);
  const [progress, setProgress] = useState<{ fraction: number; message?: string }>();
  const [error, setError] = useState<string>();
  const [importError, setImportError] = useState<string>();
  const controller = useRef<AbortController>(undefined);
  const focus = useRunFocus(progress !== undefined);

  const run = async () => {
    if (!spec) return;
    controller.current = new AbortController();
    setError(undefined);
    setProgress({ fraction: 0, message: 'starting…' });
    try {
      const report = await auditWorker.call('run', { spec, suite, seed }, { signal: controller.current.signal, onProgress: (p) => setProgress({ fraction: p.fraction, message: p.message }) });
      keep(report, `${report.model.name}, ${new Date(report.createdAt).toLocaleTimeString()}${report.partial ? ' (partial)' : ''}`);
      announce(`The robustness report of ${report.model.name} is ready${report.partial ? ' (partial)' : ''}; it follows.`);
    } catch (e) {
      if (!isAbort(e)) setError(errorText(e));
      announce(isAbort(e) ? 'The report was cancelled.' : `The report failed: ${errorText(e)}`);
    } finally {
      setProgress(undefined);
    }
  };
  const importFile = async (file: File) => {
    setImportError(undefined);
    try {
      const text = await file.text();
      // The schema validator (ajv) and the HTML writer load when first needed, not with the app.
      const [{ parseReportJson }, { reportJsonFromHtml }] = await Promise.all([import('../../core/audit/reportSchema'), import('../../core/audit/reportHtml')]);
      // An exported HTML report carries its JSON, so either file imports.
      const json = /\.html?$/i.test(file.name) ? JSON.stringify(reportJsonFromHtml(text)) : text;
      const report = parseReportJson(json, file.name);
      const key = keep(report, `${file.name} (imported)`);
      if (shown && shown.key !== key) set({ shown: shown.key, compareWith: key });
    } catch (e) {
      setImportError(errorText(e));
    }
  };

  return (
    <section className="audit-section" aria-label="robustness report">
      <h3>4. Robustness report</h3>
      <div className="run-row">
        <label>
          Suite{' '}
          <select value={suite} onChange={(e) => setSettings({ suite: e.target.value as keyof typeof SUITES })} aria-label="suite">
            {Object.entries(SUITES).map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Seed <input type="number" value={seed} min={0} onChange={(e) => setSettings({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} aria-label="seed" style={{ width: '6em' }} />
        </label>
        <button ref={focus.run} type="button" onClick={() => void run()} disabled={!spec || !data || progress !== undefined}>
          Run the report
        </button>
        {!data ? <span className="muted">Load a model, pass the checks and choose the data first.</span> : null}
      </div>
      {progress ? <ProgressBar fraction={progress.fraction} message={progress.message} onCancel={() => controller.current?.abort()} cancelRef={focus.stop} /> : null}
      <ErrorMessage message={error} />
      <div className="run-row">
        <label>
          Import a report (JSON or HTML){' '}
          <input type="file" accept=".json,.html,application/json,text/html" aria-label="import report" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
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
              <button type="button" onClick={() => downloadText(`${fileBase(shown.report.model.name)}.json`, JSON.stringify(shown.report, null, 2) + '\n', 'application/json')}>
                Export JSON
              </button>
              <button type="button" onClick={() => void import('../../core/audit/reportHtml').then(({ renderReportHtml }) => downloadText(`${fileBase(shown.report.model.name)}.html`, renderReportHtml(shown.report), 'text/html'))}>
                Export HTML
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      {shown && compared ? <CompareView a={shown.report} b={compared.report} labels={[shown.label, compared.label]} /> : null}
      {shown ? <ReportView report={shown.report} /> : null}
    </section>
  );
}
