import { useEffect, useRef, useState } from 'react';
import { auditWorker } from '../../bridge/audit';
import { ErrorMessage } from '../../components/ErrorMessage';
import { parseClassNames, parseVocabularyFile, type ChannelOrder, type ModelSpec, type OutputKind } from '../../core/audit/spec';
import { selectAuditChecks, selectAuditModel, selectAuditSet, selectAuditSpec, selectSetSpec, useAuditLab } from '../../stores/auditLab';
import { errorText } from './files';
import { formatCount } from '../../core/format';

const EXAMPLE_VOCABULARY = `${import.meta.env.BASE_URL}models/spam-bow/vocabulary.json`;

function NumberField({ label, value, onChange, step = 1 }: { label: string; value: number; onChange: (n: number) => void; step?: number }) {
  return (
    <label className="param">
      <span>{label}</span>
      <input
        type="number"
        value={Number.isFinite(value) ? value : ''}
        step={step}
        onChange={(e) => onChange(e.target.value === '' ? NaN : Number(e.target.value))}
        aria-label={label}
      />
    </label>
  );
}

/** The model spec, filled in from the model; the checks run on it; and saving once they pass. */
export function SpecPanel() {
  const model = useAuditLab(selectAuditModel);
  const spec = useAuditLab(selectAuditSpec);
  const checks = useAuditLab(selectAuditChecks);
  const set = useAuditLab(selectAuditSet);
  const setSpec = useAuditLab(selectSetSpec);
  const [classText, setClassText] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [savedNote, setSavedNote] = useState<string>();
  // The checks run as soon as a model is loaded (this panel is keyed by the model), and again on request.
  const checkedOnLoad = useRef(false);
  useEffect(() => {
    if (checkedOnLoad.current || !model || !spec) return;
    checkedOnLoad.current = true;
    void auditWorker.call('check', { spec }).then(
      (result) => useAuditLab.getState().spec === spec && set({ checks: result }),
      (e: unknown) => setError(errorText(e)),
    );
  }, [model, spec, set]);
  if (!model || !spec) return null;

  const edit = (patch: Partial<ModelSpec>) => {
    setSavedNote(undefined);
    setSpec({ ...spec, ...patch } as ModelSpec);
  };
  const runChecks = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await auditWorker.call('check', { spec });
      if (useAuditLab.getState().spec === spec) set({ checks: result });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const info = await auditWorker.call('save', { spec });
      set({ saved: await auditWorker.call('listSaved', {}), model: { ...model, savedId: info.id } });
      setSavedNote(`Saved as "${info.name}": it stays in this browser after a reload.`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const loadVocabulary = async (text: string | Promise<string>, name: string) => {
    try {
      const vocabulary = parseVocabularyFile(await text, name);
      if (spec.task === 'text') edit({ tokenizer: { kind: 'words-v1', vocabulary } });
      setError(undefined);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section className="audit-section" aria-label="model spec">
      <h3>2. What the model expects</h3>
      <p className="muted">Filled in from the model where it says; correct what it cannot know.</p>
      <div className="param-form spec-form">
        <label className="param">
          <span>Name</span>
          <input value={spec.name} onChange={(e) => edit({ name: e.target.value })} aria-label="model name" />
        </label>
        <label className="param">
          <span>Task</span>
          <select
            value={spec.task}
            aria-label="task"
            onChange={(e) =>
              setSpec(
                e.target.value === 'image'
                  ? {
                      task: 'image',
                      name: spec.name,
                      classes: spec.classes,
                      output: spec.output,
                      inputShape: [28, 28, 1],
                      valueRange: [0, 1],
                      channelOrder: 'grayscale',
                    }
                  : {
                      task: 'text',
                      name: spec.name,
                      classes: spec.classes,
                      output: spec.output,
                      maxLength: 100,
                      tokenizer: { kind: 'words-v1', vocabulary: { version: 1, words: [], counts: [] } },
                    },
              )
            }
          >
            <option value="image">image classification</option>
            <option value="text">text classification</option>
          </select>
        </label>
        {spec.task === 'image' ? (
          <>
            <NumberField label="Height" value={spec.inputShape[0]} onChange={(n) => edit({ inputShape: [n, spec.inputShape[1], spec.inputShape[2]] })} />
            <NumberField label="Width" value={spec.inputShape[1]} onChange={(n) => edit({ inputShape: [spec.inputShape[0], n, spec.inputShape[2]] })} />
            <NumberField
              label="Channels"
              value={spec.inputShape[2]}
              onChange={(n) =>
                edit({
                  inputShape: [spec.inputShape[0], spec.inputShape[1], n],
                  channelOrder: n === 1 ? 'grayscale' : spec.channelOrder === 'grayscale' ? 'rgb' : spec.channelOrder,
                })
              }
            />
            <NumberField label="Black pixel value" value={spec.valueRange[0]} step={0.1} onChange={(n) => edit({ valueRange: [n, spec.valueRange[1]] })} />
            <NumberField label="White pixel value" value={spec.valueRange[1]} step={0.1} onChange={(n) => edit({ valueRange: [spec.valueRange[0], n] })} />
            <label className="param">
              <span>Channel order</span>
              <select value={spec.channelOrder} onChange={(e) => edit({ channelOrder: e.target.value as ChannelOrder })} aria-label="channel order">
                <option value="grayscale">grayscale</option>
                <option value="rgb">RGB</option>
                <option value="bgr">BGR</option>
              </select>
            </label>
          </>
        ) : (
          <>
            <NumberField label="Tokens per input" value={spec.maxLength} onChange={(n) => edit({ maxLength: n })} />
            <div className="param">
              <span>Tokenizer vocabulary</span>
              <span>
                {spec.tokenizer.vocabulary.words.length > 0 ? `${formatCount(spec.tokenizer.vocabulary.words.length)} words` : 'none yet'}{' '}
                <label className="file-button">
                  choose file
                  <input
                    type="file"
                    accept=".json,.txt"
                    aria-label="vocabulary file"
                    onChange={(e) => {
                      const file = e.target.files?.[0];
                      if (file) void loadVocabulary(file.text(), file.name);
                    }}
                  />
                </label>{' '}
                <button
                  type="button"
                  onClick={() =>
                    void loadVocabulary(
                      fetch(EXAMPLE_VOCABULARY).then((response) => response.text()),
                      'spam-bow vocabulary.json',
                    )
                  }
                >
                  use spam-bow's (example)
                </button>
              </span>
              <small className="muted">
                Lower-cased words (letters, digits, marks); id 0 pads, 1 is unknown, word i of the list has id i + 2; the first tokens are kept.
              </small>
            </div>
          </>
        )}
        <label className="param">
          <span>Output</span>
          <select value={spec.output} onChange={(e) => edit({ output: e.target.value as OutputKind })} aria-label="output kind">
            <option value="logits">logits</option>
            <option value="probabilities">probabilities</option>
          </select>
        </label>
        <label className="param wide">
          <span>Class names, in output order (one per line, or comma-separated)</span>
          <textarea
            rows={2}
            aria-label="class names"
            value={classText ?? spec.classes.join(', ')}
            onChange={(e) => {
              setClassText(e.target.value);
              edit({ classes: parseClassNames(e.target.value) });
            }}
          />
        </label>
      </div>
      <div className="run-row">
        <button type="button" onClick={() => void runChecks()} disabled={busy}>
          Run the checks
        </button>
        <button type="button" onClick={() => void save()} disabled={busy || !checks?.usable}>
          Save in this browser
        </button>
        {savedNote ? <span className="verdict-ok">{savedNote}</span> : null}
      </div>
      <ErrorMessage message={error} />
      {checks ? (
        <div aria-label="checks">
          {checks.specProblems.length > 0 ? (
            <ul className="error" role="alert">
              {checks.specProblems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
          <table className="data-table checks-table">
            <tbody>
              {checks.checks.map((c) => (
                <tr key={c.id} data-testid={`check-${c.id}`}>
                  <td>{c.label}</td>
                  <td>
                    <span className={`badge verdict-${c.verdict}`}>{c.verdict}</span>
                  </td>
                  <td>{c.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {checks.usable ? null : checks.specProblems.length === 0 ? <p className="error">Fix what failed, then run the checks again.</p> : null}
        </div>
      ) : null}
    </section>
  );
}
