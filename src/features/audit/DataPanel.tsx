import { useState } from 'react';
import { auditWorker } from '../../bridge/audit';
import { ErrorMessage } from '../../components/ErrorMessage';
import { selectAuditChecks, selectAuditData, selectAuditSet, selectAuditSpec, useAuditLab } from '../../stores/auditLab';
import type { DataRequest, UploadedFile } from '../../workers/auditApi';
import { errorText, readFiles } from './files';
import { formatCount } from '../../core/format';

type Source = 'bundled' | 'images' | 'text-csv';

/** The data to audit on: the bundled test split for the task, or the user's images or CSV (checked in the worker). */
export function DataPanel() {
  const spec = useAuditLab(selectAuditSpec);
  const checks = useAuditLab(selectAuditChecks);
  const data = useAuditLab(selectAuditData);
  const set = useAuditLab(selectAuditSet);
  const [source, setSource] = useState<Source>('bundled');
  const [images, setImages] = useState<UploadedFile[]>([]);
  const [labelsCsv, setLabelsCsv] = useState<UploadedFile>();
  const [synonyms, setSynonyms] = useState<UploadedFile>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [lastRequest, setLastRequest] = useState<DataRequest>();
  // A file that cannot be read (moved or deleted after it was chosen) shows as an error instead of an unhandled rejection.
  const showingErrors =
    <Args extends unknown[]>(handler: (...args: Args) => Promise<unknown>) =>
    (...args: Args) =>
      void handler(...args).catch((e: unknown) => setError(errorText(e)));
  if (!spec || !checks?.usable) return null;

  const use = async (request: DataRequest, withSynonyms = synonyms) => {
    setBusy(true);
    setError(undefined);
    setLastRequest(request);
    try {
      set({ data: await auditWorker.call('setData', { spec, data: request, synonyms: withSynonyms }) });
    } catch (e) {
      set({ data: undefined });
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const bundledName = spec.task === 'image' ? 'the bundled MNIST test split (2,000 digits)' : 'the bundled SpamAssassin test split (1,178 emails)';

  return (
    <section className="audit-section" aria-label="data">
      <h3>3. Data to attack</h3>
      <div className="segmented" role="radiogroup" aria-label="data source">
        <label>
          <input type="radio" checked={source === 'bundled'} onChange={() => setSource('bundled')} /> {bundledName}
        </label>
        {spec.task === 'image' ? (
          <label>
            <input type="radio" checked={source === 'images'} onChange={() => setSource('images')} /> my images
          </label>
        ) : (
          <label>
            <input type="radio" checked={source === 'text-csv'} onChange={() => setSource('text-csv')} /> my CSV (text,label)
          </label>
        )}
      </div>
      {source === 'images' ? (
        <div className="upload-rows">
          <label>
            A folder with one subfolder per class{' '}
            <input
              type="file"
              aria-label="image folder"
              {...{ webkitdirectory: '', directory: '' }}
              multiple
              onChange={showingErrors(async (e) => e.target.files && setImages(await readFiles(e.target.files)))}
            />
          </label>
          <label>
            or image files{' '}
            <input
              type="file"
              aria-label="image files"
              accept="image/*"
              multiple
              onChange={showingErrors(async (e) => e.target.files && setImages(await readFiles(e.target.files)))}
            />
          </label>
          <label>
            with a labels CSV (file,label){' '}
            <input
              type="file"
              aria-label="labels CSV"
              accept=".csv,text/csv"
              onChange={showingErrors(async (e) => setLabelsCsv(e.target.files?.[0] ? (await readFiles([e.target.files[0]]))[0] : undefined))}
            />
          </label>
          <span className="muted">{images.length} files chosen</span>
        </div>
      ) : null}
      {source === 'text-csv' ? (
        <div className="upload-rows">
          <label>
            CSV with a header row naming <code>text</code> and <code>label</code>{' '}
            <input
              type="file"
              aria-label="text CSV"
              accept=".csv,text/csv"
              onChange={showingErrors(async (e) => e.target.files?.[0] && void use({ kind: 'text-csv', file: (await readFiles([e.target.files[0]]))[0] }))}
            />
          </label>
        </div>
      ) : null}
      {spec.task === 'text' ? (
        <label className="upload-rows">
          Synonym table for the word attack (optional, like models/spam-bow/synonyms.json){' '}
          <input
            type="file"
            aria-label="synonym table"
            accept=".json"
            onChange={showingErrors(async (e) => {
              const table = e.target.files?.[0] ? (await readFiles([e.target.files[0]]))[0] : undefined;
              setSynonyms(table);
              // Data already chosen is sent again with the table, so the word attack uses it.
              if (data && lastRequest) await use(lastRequest, table);
            })}
          />
        </label>
      ) : null}
      <div className="run-row">
        {source === 'bundled' ? (
          <button type="button" onClick={() => void use({ kind: 'bundled' })} disabled={busy}>
            Use {spec.task === 'image' ? 'MNIST test digits' : 'SpamAssassin test emails'}
          </button>
        ) : source === 'images' ? (
          <button type="button" onClick={() => void use({ kind: 'images', files: images, labelsCsv })} disabled={busy || images.length === 0}>
            Check and use these images
          </button>
        ) : null}
        {busy ? <span className="muted">Reading and checking the data…</span> : null}
      </div>
      <ErrorMessage message={error} />
      {data ? (
        <div aria-label="data summary">
          <p data-testid="data-summary">
            <strong>{data.name}</strong>: {formatCount(data.examples)} examples; {data.perClass.map((n, i) => `${spec.classes[i]}: ${n}`).join(', ')}
          </p>
          {data.notices.map((n) => (
            <p key={n} className="note">
              {n}
            </p>
          ))}
        </div>
      ) : null}
    </section>
  );
}
