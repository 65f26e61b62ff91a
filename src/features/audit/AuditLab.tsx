import { selectAuditModel, useAuditLab } from '../../stores/auditLab';
import { DataPanel } from './DataPanel';
import { ModelPanel } from './ModelPanel';
import { ReportPanel } from './ReportPanel';
import { SpecPanel } from './SpecPanel';

/** Bring your own model: load it, say what it expects, check it, pick data, run the suite, export the report. */
export function AuditLab() {
  const model = useAuditLab(selectAuditModel);
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
      {/* A new model starts a fresh form. */}
      <SpecPanel key={model ? `${model.fileName}:${model.weightsSha256}` : 'none'} />
      <DataPanel />
      <ReportPanel />
    </div>
  );
}
