import { selectLoads, useAuditLab } from '../../stores/auditLab';
import { DataPanel } from './DataPanel';
import { ModelPanel } from './ModelPanel';
import { ReportPanel } from './ReportPanel';
import { SpecPanel } from './SpecPanel';

/** Bring your own model: load it, say what it expects, check it, pick data, run the suite, export the report. */
export function AuditLab() {
  const loads = useAuditLab(selectLoads);
  return (
    <div className="audit-lab">
      <div className="lab-head">
        <h2>Audit your model</h2>
        <p className="muted">
          Load a TensorFlow.js model, run an attack suite on your data and export a robustness report. Everything runs in this tab; the same report comes from{' '}
          <code>npm run audit</code> in CI.
        </p>
      </div>
      <ModelPanel />
      {/* Each load starts fresh forms, even of the same model. */}
      <SpecPanel key={`spec-${loads}`} />
      <DataPanel key={`data-${loads}`} />
      <ReportPanel />
    </div>
  );
}
