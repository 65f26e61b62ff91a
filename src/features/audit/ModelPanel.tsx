import { useEffect, useState, type DragEvent } from 'react';
import { selectAuditUrl, selectSetSettings, useSettings } from '../../stores/settings';
import { auditWorker } from '../../bridge/audit';
import { ErrorMessage } from '../../components/ErrorMessage';
import { selectAuditModel, selectAuditSet, selectSavedModels, useAuditLab } from '../../stores/auditLab';
import type { LoadedModelInfo } from '../../workers/auditApi';
import { errorText, readFiles } from './files';
import { formatBytes, formatCount } from '../../core/format';

/** Load a model from files (picker or drop), from a URL, or from the models saved in this browser. */
export function ModelPanel() {
  const model = useAuditLab(selectAuditModel);
  const saved = useAuditLab(selectSavedModels);
  const set = useAuditLab(selectAuditSet);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // The address typed is part of the lab's spec: a link carries it (loading it stays a click).
  const url = useSettings(selectAuditUrl);
  const setSettings = useSettings(selectSetSettings);
  const setUrl = (value: string) => setSettings({ url: value });
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    auditWorker.call('listSaved', {}).then(
      (list) => set({ saved: list }),
      (e: unknown) => setError(errorText(e)),
    );
  }, [set]);

  const loaded = (info: LoadedModelInfo) => set({ model: info, spec: info.spec, checks: undefined, data: undefined, loads: useAuditLab.getState().loads + 1 });
  const attempt = async (work: () => Promise<LoadedModelInfo>) => {
    setBusy(true);
    setError(undefined);
    try {
      loaded(await work());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const fromFiles = async (files: FileList | File[]) => {
    if (files.length === 0) return;
    const uploaded = await readFiles(files);
    // Read for this call alone: the bytes (up to the model size limit) move to the worker rather than being copied.
    await attempt(() => auditWorker.call('loadFiles', { files: uploaded }, { transfer: uploaded.map((f) => f.bytes) }));
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void fromFiles(event.dataTransfer.files);
  };

  return (
    <section className="audit-section" aria-label="your model">
      <h3>1. Your model</h3>
      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        onDragOver={(e) => (e.preventDefault(), setDragging(true))}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          Drop <code>model.json</code> and its weight files (<code>*.bin</code>) here, or{' '}
          <label className="file-button">
            choose files
            <input
              type="file"
              multiple
              accept=".json,.bin,application/json,application/octet-stream"
              aria-label="model files"
              onChange={(e) => e.target.files && void fromFiles(e.target.files)}
              disabled={busy}
            />
          </label>
          . TensorFlow.js layers and graph models. Nothing leaves this browser.
        </p>
      </div>
      <form
        className="run-row"
        onSubmit={(e) => {
          e.preventDefault();
          void attempt(() => auditWorker.call('loadUrl', { url: url.trim() }));
        }}
      >
        <label>
          or from a URL{' '}
          <input
            type="text"
            inputMode="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://…/model.json"
            aria-label="model URL"
            size={44}
          />
        </label>
        <button type="submit" disabled={busy || url.trim() === ''}>
          Load
        </button>
      </form>
      {busy ? <p className="muted">Loading the model…</p> : null}
      <ErrorMessage message={error} />
      {model ? (
        <dl className="facts" aria-label="loaded model">
          <dt>File</dt>
          <dd>{model.fileName}</dd>
          <dt>Format</dt>
          <dd>{model.format}</dd>
          <dt>Input</dt>
          <dd>[batch, {model.inputShape.map((d) => d ?? '?').join(', ')}]</dd>
          <dt>Outputs</dt>
          <dd>{model.outputSize ?? 'not declared'}</dd>
          <dt>Weights</dt>
          <dd>
            {formatCount(model.parameters)} parameters, {formatBytes(model.weightBytes)}
          </dd>
          <dt>sha256</dt>
          <dd className="hash">{model.weightsSha256.slice(0, 16)}…</dd>
        </dl>
      ) : null}
      <h4>Saved in this browser</h4>
      {saved.length === 0 ? (
        <p className="muted">No saved models yet: load one, check it and save it, and it stays here after a reload.</p>
      ) : (
        <table className="data-table" aria-label="saved models">
          <thead>
            <tr>
              <th>Name</th>
              <th>Task</th>
              <th>Format</th>
              <th className="num">Size</th>
              <th>Saved</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {saved.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td>{m.task}</td>
                <td>{m.format}</td>
                <td className="num">{formatBytes(m.bytes)}</td>
                <td>{new Date(m.savedAt).toLocaleString()}</td>
                <td>
                  <button type="button" onClick={() => void attempt(() => auditWorker.call('openSaved', { id: m.id }))} disabled={busy}>
                    Open
                  </button>{' '}
                  <button
                    type="button"
                    onClick={() => {
                      if (!window.confirm(`Delete the saved model "${m.name}"?`)) return;
                      auditWorker.call('removeSaved', { id: m.id }).then(
                        (list) => set({ saved: list }),
                        (e: unknown) => setError(errorText(e)),
                      );
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
