import { useEffect, useRef, useState } from 'react';
import { NumberField } from '../../components/NumberField';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { useFieldErrors } from '../../stores/fieldErrors';
import { ErrorBoundary, FaultPoint } from '../../components/ErrorBoundary';
import { FAMILIES, FAMILY_LABELS, RANKINGS, TRANSFORMATIONS, transformationsOf, type RankingId, type TransformationId } from '../../core/text/attack';
import { DEFENSE_SETTINGS, type DefenseSetting } from '../../core/text/batch';
import type { SpamExample } from '../../core/data/spam';
import { textWorker } from '../../bridge/text';
import { TEXT_MODELS } from '../../stores/models';
import { selectOptions, selectResult, selectText, useTextLab } from '../../stores/textLab';
import { GOOD_WORD_SOURCES, type GoodWordSource } from '../../core/text/goodWordSources';
import type { ScoreResult, SingleTextAttackResult } from '../../workers/textApi';
import { BatchPanel } from './BatchPanel';
import { DiffView } from './DiffView';
import { formatProbability } from './format';
import { formatCount, formatPercent, formatSeconds } from '../../core/format';

const SPAM = 1;

function useLiveScore(text: string) {
  const [score, setScore] = useState<ScoreResult>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const model = TEXT_MODELS[0];
    if (!model) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      textWorker
        .call('score', { model, texts: [text] }, { signal: controller.signal })
        .then((s) => (setScore(s), setError(undefined)))
        .catch((e: unknown) => {
          if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
        });
    }, 200);
    return () => (clearTimeout(timer), controller.abort());
  }, [text]);
  return { score, error };
}

function ScoreLine({ label, probabilities }: { label: string; probabilities?: number[] }) {
  if (!probabilities) return <p className="muted">{label}: …</p>;
  const spam = probabilities[SPAM];
  const verdict = spam > 0.5 ? 'spam' : 'ham';
  return (
    <div className="score-line">
      <span>{label}</span>
      <div className="score-bar" aria-hidden="true">
        <div className={`score-fill ${verdict}`} style={{ width: `${(spam * 100).toFixed(1)}%` }} />
      </div>
      <strong className={`verdict-${verdict}`} data-testid={`${label === 'Spam score' ? 'live' : 'normalized'}-verdict`}>
        {verdict}
      </strong>
      <span className="num">{formatProbability(spam)} spam</span>
    </div>
  );
}

function MessageEditor() {
  const text = useTextLab(selectText);
  const set = useTextLab((s) => s.set);
  const [samples, setSamples] = useState<SpamExample[]>([]);
  const { score, error } = useLiveScore(text);
  useEffect(() => {
    const model = TEXT_MODELS[0];
    if (!model) return;
    textWorker.call('samples', { model, label: SPAM, count: 25 }).then((s) => {
      setSamples(s);
      if (!useTextLab.getState().text && s[0]) set({ text: s[0].text });
    }, () => undefined);
  }, [set]);
  return (
    <div className="message-editor">
      <div className="run-row">
        <label>
          Test spam message{' '}
          <select aria-label="sample message" defaultValue="" onChange={(e) => e.target.value !== '' && set({ text: samples[Number(e.target.value)].text, result: undefined })}>
            <option value="" disabled>
              pick one…
            </option>
            {samples.map((s, i) => (
              <option key={i} value={i}>
                #{i + 1}: {s.text.slice(0, 60).replace(/\s+/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <span className="note">or type or paste an email (subject, blank line, body).</span>
      </div>
      <textarea
        aria-label="message text"
        className="message-text"
        rows={12}
        value={text}
        onChange={(e) => set({ text: e.target.value, result: undefined })}
        spellCheck={false}
      />
      {error ? <p className="error">{error}</p> : null}
      <ScoreLine label="Spam score" probabilities={score?.probabilities[0]} />
      <ScoreLine label="With the normalizer" probabilities={score?.normalizedProbabilities[0]} />
      {score ? (
        <p className="note">
          {formatCount(score.tokens[0])} words; the model reads the first {300}.{' '}
          {score.normalizations[0].steps.filter((s) => s.count > 0).map((s) => `${s.label}: ${s.count}`).join('; ') || 'The normalizer changes nothing here.'}
          {score.truncationNotice ? ` ${score.truncationNotice}` : ''}
        </p>
      ) : null}
    </div>
  );
}

function AttackOptionsForm() {
  const options = useTextLab(selectOptions);
  const { setOptions, set } = useTextLab();
  const setting = useTextLab((s) => s.setting);
  const source = useTextLab((s) => s.goodWordSource);
  const toggle = (id: TransformationId, on: boolean) =>
    setOptions({ transformations: on ? [...options.transformations, id] : options.transformations.filter((t) => t !== id) });
  const fields = useFieldErrors('text-attack');
  const number = (key: 'maxWordShare' | 'maxQueries' | 'maxEditDistance' | 'candidatesPerWord' | 'goodWordCandidates', label: string, step: number, min: number, max: number) => (
    <label className="param">
      {label}
      <NumberField
        name={label}
        step={step}
        min={min}
        max={max}
        integer={Number.isInteger(step)}
        value={options[key]}
        onChange={(value) => setOptions({ [key]: value })}
        onValidity={fields.report(key)}
      />
    </label>
  );
  return (
    <div className="text-options">
      <fieldset className="sweep-attacks">
        <legend>Perturbations</legend>
        {FAMILIES.map((family) => (
          <div key={family}>
            <strong className="small">{FAMILY_LABELS[family]}</strong>
            {transformationsOf(family).map((id) => (
              <label key={id} className="label-choice" title={TRANSFORMATIONS[id].description}>
                <input type="checkbox" checked={options.transformations.includes(id)} onChange={(e) => toggle(id, e.target.checked)} /> {TRANSFORMATIONS[id].label}
              </label>
            ))}
          </div>
        ))}
      </fieldset>
      <div className="param-form">
        <label className="param">
          Word ranking
          <select value={options.ranking} onChange={(e) => setOptions({ ranking: e.target.value as RankingId })}>
            {Object.entries(RANKINGS).map(([id, r]) => (
              <option key={id} value={id} title={r.description}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        {number('maxWordShare', 'Max share of words', 0.01, 0.01, 1)}
        {number('maxQueries', 'Max queries', 1, 1, 5000)}
        {number('maxEditDistance', 'Max edit distance (characters)', 1, 0, 1000)}
        {number('goodWordCandidates', 'Good words tried per step', 1, 1, 20)}
        <label className="param">
          Good words
          <select value={source} onChange={(e) => set({ goodWordSource: e.target.value as GoodWordSource })}>
            {Object.entries(GOOD_WORD_SOURCES).map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
          <span className="note" data-testid="good-words-help">
            Good words are words the filter reads as ham. The swap replaces a spammy word with one (FREE → NEWSISFREE: one changed word, no
            character edit); insertion adds them.
          </span>
        </label>
        <label className="param">
          <span>
            <input type="checkbox" checked={options.repeatGoodWords} onChange={(e) => setOptions({ repeatGoodWords: e.target.checked })} /> Good words may repeat
          </span>
          <span>
            <input type="checkbox" checked={options.skipStopWords} onChange={(e) => setOptions({ skipStopWords: e.target.checked })} /> Leave stop words alone
          </span>
        </label>
      </div>
      <fieldset className="defense-choice">
        <legend>Defense</legend>
        {(Object.keys(DEFENSE_SETTINGS) as DefenseSetting[]).map((id) => (
          <label key={id} className="label-choice" title={DEFENSE_SETTINGS[id].description}>
            <input type="radio" name="defense" checked={setting === id} onChange={() => set({ setting: id })} /> {DEFENSE_SETTINGS[id].label}
            <span className="note"> — {DEFENSE_SETTINGS[id].description}</span>
          </label>
        ))}
      </fieldset>
    </div>
  );
}

/** Whether the attacked text is ham for the judge of the chosen setting. */
const flipped = (response: SingleTextAttackResult) => response.judged.perturbed[SPAM] <= 0.5;

/** The outcome in one sentence, on screen and read out. */
function verdictText(response: SingleTextAttackResult, setting: DefenseSetting): string {
  const r = response.result;
  const where = DEFENSE_SETTINGS[setting].label.toLowerCase();
  if (r.status === 'skipped') return 'The filter already calls this message ham: nothing to attack.';
  return flipped(response) ? `Label flipped: spam → ham (${where}).` : `Still spam (${where}); the search stopped: ${r.stopReason.replace('-', ' ')}.`;
}

function SingleAttack() {
  const fieldsInvalid = useFieldErrors('text-attack').invalid;
  const text = useTextLab(selectText);
  const result = useTextLab(selectResult);
  const { options, setting, goodWordSource, set } = useTextLab();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  const controller = useRef<AbortController>(undefined);
  const focus = useRunFocus(running);
  const run = async () => {
    const model = TEXT_MODELS[0];
    if (!model) return;
    if (!text.trim()) {
      setError('The message is empty: type or paste an email, or pick a test spam message.');
      return;
    }
    if (options.transformations.length === 0) {
      setError('Choose at least one perturbation.');
      return;
    }
    setError(undefined);
    setRunning(true);
    controller.current = new AbortController();
    try {
      const r = await textWorker.call('attack', { model, text, trueClass: SPAM, options, setting, goodWordSource, seed: 1 }, { signal: controller.current.signal });
      set({ result: r });
      announce(verdictText(r, setting));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      announce(`The attack stopped: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setRunning(false);
    }
  };
  const r = result?.result;
  return (
    <div className="single-text">
      <div className="run-row">
        <button ref={focus.run} type="button" className="primary" onClick={() => void run()} disabled={running || fieldsInvalid}>
          Attack this message
        </button>
        {running ? (
          <button ref={focus.stop} type="button" onClick={() => controller.current?.abort()}>
            Stop
          </button>
        ) : null}
        {running ? <span className="note">Attacking…</span> : null}
      </div>
      {error ? <p className="error">{error}</p> : null}
      {r && result ? (
        <div className="text-result">
          <p className={`verdict ${flipped(result) ? 'verdict-ok' : 'verdict-bad'}`} data-testid="attack-verdict">
            {verdictText(result, setting)}
          </p>
          <dl className="facts outcome-facts">
            <dt>spam score before</dt>
            <dd>{formatProbability(result.judged.original[SPAM])}</dd>
            <dt>after</dt>
            <dd data-testid="score-after">{formatProbability(result.judged.perturbed[SPAM])}</dd>
            <dt>queries</dt>
            <dd data-testid="queries">{r.queries}</dd>
            <dt>words changed</dt>
            <dd>
              {r.perturbedWords} of {r.wordCount} ({formatPercent(r.perturbedWords / Math.max(1, r.wordCount))})
            </dd>
            <dt title="Levenshtein distance of the typos and Unicode tricks; a swapped or inserted word counts among the words changed, not here">
              character edits
            </dt>
            <dd>{r.editDistance}</dd>
            <dt>time</dt>
            <dd>{formatSeconds(result.millis / 1000, 2)}</dd>
          </dl>
          {r.perturbedWords > 0 && r.editDistance === 0 ? (
            <p className="note">No character was edited: every change is a whole word swapped or inserted (counted in the words changed).</p>
          ) : null}
          <div className="run-row">
            <button type="button" onClick={() => set({ text: r.perturbed, result: undefined })}>
              Edit the perturbed text
            </button>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(r.perturbed)}>
              Copy it
            </button>
            <span className="note">
              Marks: <del>old word</del> <ins>new word</ins>, <span className="char char-changed">changed</span> characters,{' '}
              <span className="char char-look-alike">look-alikes</span>, <span className="char char-invisible">·</span> invisible and{' '}
              <span className="char char-bidi">⇄</span> direction controls; hover for code points.
            </span>
          </div>
          <ErrorBoundary name="The diff view" onReset={() => set({ result: undefined })} resetLabel="Clear the result">
            <FaultPoint where="text-diff" />
            <DiffView original={r.original} edits={r.edits} />
          </ErrorBoundary>
        </div>
      ) : null}
    </div>
  );
}

/** Evade the bundled spam filter: one message at a time, or a batch over the test set's spam. */
export function TextAttackLab() {
  const [view, setView] = useState<'single' | 'batch'>('single');
  const model = TEXT_MODELS[0];
  if (!model) return <p className="error">No text model is bundled: run "npm run train:spam".</p>;
  return (
    <section className="text-lab">
      <div className="lab-head">
        <div>
          <h2>Text attacks: evade the spam filter</h2>
          <p className="note">
            {model.card.name}, {formatPercent(model.card.metrics.testAccuracy, 2)} right on {formatCount(model.card.training.testSize)} test emails.
            Everything runs in this tab.
          </p>
        </div>
        <div className="segmented" role="tablist" aria-label="text lab view">
          <button type="button" role="tab" aria-selected={view === 'single'} className={view === 'single' ? 'active' : ''} onClick={() => setView('single')}>
            One message
          </button>
          <button type="button" role="tab" aria-selected={view === 'batch'} className={view === 'batch' ? 'active' : ''} onClick={() => setView('batch')}>
            Batch over test spam
          </button>
        </div>
      </div>
      {view === 'single' ? (
        <div className="text-layout">
          <MessageEditor />
          <div>
            <AttackOptionsForm />
            <SingleAttack />
          </div>
        </div>
      ) : (
        <BatchPanel />
      )}
    </section>
  );
}
