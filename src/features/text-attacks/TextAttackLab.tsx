import { ViewTabs } from '../../components/ViewTabs';
import { useEffect, useState } from 'react';
import { useMediaQuery } from '../../components/useMediaQuery';
import { lockedValues } from '../../stores/labControls';
import { LockMark } from '../../components/LockMark';
import { useControl, useControlMap } from '../../stores/useControl';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { useFieldErrors } from '../../stores/fieldErrors';
import { ErrorBoundary, FaultPoint } from '../../components/ErrorBoundary';
import { DEFENSE_SETTINGS, type DefenseSetting } from '../../core/text/batch';
import type { SpamExample } from '../../core/data/spam';
import { textWorker } from '../../bridge/text';
import { useJob } from '../../bridge/useJob';
import { TEXT_MODELS } from '../../stores/models';
import { selectForm, selectResult, selectText, selectTextView, useTextLab } from '../../stores/textLab';
import { GOOD_WORD_SOURCES, type GoodWordSource } from '../../core/text/goodWordSources';
import type { ScoreResult, SingleTextAttackResult } from '../../workers/textApi';
import { BatchPanel } from './BatchPanel';
import { DiffView } from './DiffView';
import { ConstraintFields, SearchMethodSelect, TransformationList } from './RecipeFields';
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
    textWorker.call('samples', { model, label: SPAM, count: 25 }).then(
      (s) => {
        setSamples(s);
        if (!useTextLab.getState().text && s[0]) set({ text: s[0].text });
      },
      () => undefined,
    );
  }, [set]);
  return (
    <div className="message-editor">
      <div className="run-row">
        <label>
          Test spam message{' '}
          <select
            aria-label="sample message"
            defaultValue=""
            onChange={(e) => e.target.value !== '' && set({ text: samples[Number(e.target.value)].text, result: undefined })}
          >
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
          {score.normalizations[0].steps
            .filter((s) => s.count > 0)
            .map((s) => `${s.label}: ${s.count}`)
            .join('; ') || 'The normalizer changes nothing here.'}
          {score.truncationNotice ? ` ${score.truncationNotice}` : ''}
        </p>
      ) : null}
    </div>
  );
}

function AttackOptionsForm() {
  const { recipe, setting, goodWordSource: source } = useTextLab(selectForm);
  const setForm = useTextLab((s) => s.setForm);
  const setRecipe = useTextLab((s) => s.setRecipe);
  const fields = useFieldErrors('text-attack');
  const c = useControlMap(['ranking', 'goodwords', 'defense'] as const);
  return (
    <div className="text-options">
      <TransformationList selected={recipe.transformations} onChange={(transformations) => setRecipe({ transformations })} report={fields.report} />
      <div className="param-form">
        <label className="param" hidden={c.ranking.hidden}>
          Word ranking{c.ranking.locked ? <LockMark /> : null}
          <SearchMethodSelect value={recipe.search} onChange={(search) => setRecipe({ search })} />
        </label>
        <ConstraintFields
          constraints={recipe.constraints}
          onChange={(patch) => setRecipe({ constraints: { ...recipe.constraints, ...patch } })}
          report={fields.report}
        />
        <label className="param" hidden={c.goodwords.hidden}>
          Good words{c.goodwords.locked ? <LockMark /> : null}
          <select value={source} disabled={c.goodwords.locked} onChange={(e) => setForm({ goodWordSource: e.target.value as GoodWordSource })}>
            {Object.entries(GOOD_WORD_SOURCES).map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
          <span className="note" data-testid="good-words-help">
            Good words are words the filter reads as ham. The swap replaces a spammy word with one (FREE → NEWSISFREE: one changed word, no character edit);
            insertion adds them.
          </span>
        </label>
      </div>
      <fieldset className="defense-choice" hidden={c.defense.hidden}>
        <legend>Defense{c.defense.locked ? <LockMark /> : null}</legend>
        {(Object.keys(DEFENSE_SETTINGS) as DefenseSetting[]).map((id) => (
          <label key={id} className="label-choice" title={DEFENSE_SETTINGS[id].description}>
            <input type="radio" name="defense" checked={setting === id} disabled={c.defense.locked} onChange={() => setForm({ setting: id })} />{' '}
            {DEFENSE_SETTINGS[id].label}
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
  const { recipe, setting, goodWordSource } = useTextLab(selectForm);
  const set = useTextLab((s) => s.set);
  const job = useJob<SingleTextAttackResult>('text-attack');
  const running = job.running;
  // The form's own complaints; a failed run's error comes from the job.
  const [formError, setError] = useState<string>();
  const error = formError ?? job.error;
  const focus = useRunFocus(running);
  const run = async () => {
    const model = TEXT_MODELS[0];
    if (!model) return;
    if (!text.trim()) {
      setError('The message is empty: type or paste an email, or pick a test spam message.');
      return;
    }
    if (recipe.transformations.length === 0) {
      setError('Choose at least one perturbation.');
      return;
    }
    setError(undefined);
    const end = await job.start({ lab: 'text', title: 'Text attack on one message' }, (o) =>
      textWorker.call('attack', { model, text, trueClass: SPAM, recipe, setting, goodWordSource, seed: 1, locks: lockedValues('text') }, o),
    );
    if (end.ok) {
      set({ result: end.result });
      announce(verdictText(end.result, setting));
    } else {
      if (end.cancelled) setError(end.error);
      announce(`The attack stopped: ${end.error}`);
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
          <button ref={focus.stop} type="button" onClick={job.cancel}>
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
  const view = useTextLab(selectTextView);
  const setView = (next: 'single' | 'batch') => useTextLab.getState().set({ view: next });
  const viewControl = useControl('view');
  const wide = useMediaQuery('(min-width: 801px)');
  const model = TEXT_MODELS[0];
  if (!model) return <p className="error">No text model is bundled: run "npm run train:spam".</p>;
  return (
    <section className="text-lab">
      <div className="lab-head">
        <div>
          <h2>Text attacks: evade the spam filter</h2>
          <p className="note">
            {model.card.name}, {formatPercent(model.card.metrics.testAccuracy, 2)} right on {formatCount(model.card.training.testSize)} test emails. Everything
            runs in this tab.
          </p>
        </div>
        <ViewTabs
          label="text lab view"
          views={[
            { id: 'single', title: 'One message' },
            { id: 'batch', title: 'Batch over test spam' },
          ]}
          value={view}
          onChange={setView}
          control={viewControl}
        />
      </div>
      {view === 'single' ? (
        <div className="text-layout">
          <MessageEditor />
          <div>
            {wide ? (
              <AttackOptionsForm />
            ) : (
              // On a phone the settings fold away (their defaults are a good first attack), so Attack is on the first screen.
              <details className="text-options-details">
                <summary>Attack settings</summary>
                <AttackOptionsForm />
              </details>
            )}
            <SingleAttack />
          </div>
        </div>
      ) : (
        <BatchPanel />
      )}
    </section>
  );
}
