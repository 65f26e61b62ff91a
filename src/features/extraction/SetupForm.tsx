import { LockMark } from '../../components/LockMark';
import { useControlMap } from '../../stores/useControl';
import type { ReactNode } from 'react';
import { NumberField } from '../../components/NumberField';
import { ParamForm } from '../../components/ParamForm';
import {
  DEFENSE_METAS,
  getOutputModeMeta,
  getStrategyMeta,
  getSubstituteMeta,
  MAX_EXTRACTION_BUDGET,
  OUTPUT_MODE_METAS,
  STRATEGY_METAS,
  SUBSTITUTE_METAS,
  type AttackerKnowledge,
  type CatalogEntry,
  type Chosen,
  type DefenseId,
  type ExtractionSetup,
  type OutputModeId,
  type StrategyId,
  type SubstituteId,
} from '../../core/extraction/catalog';
import { IMAGE_MODELS } from '../../stores/models';

/** What the attacker is given in this lab, by the strategy's knowledge (the worker picks these images). */
const KNOWLEDGE_TEXT: Record<AttackerKnowledge, string> = {
  none: 'No data',
  'seed-set': '100 seed digits, unlabeled',
  pool: 'Unlabeled pool (8,000 digits)',
};

type Report = (key: string) => (error: string | undefined) => void;

/** An entry's one line and, when it has one, the paper it comes from. */
function EntryNote({ entry }: { entry: CatalogEntry }) {
  return (
    <p className="muted small entry-note">
      {entry.description}
      {entry.paper ? (
        <>
          {' '}
          <cite>
            {entry.paper.authors}, “{entry.paper.title}”, {entry.paper.venue} {entry.paper.year}
          </cite>
        </>
      ) : null}
    </p>
  );
}

/** A catalog entry's parameters, as a form generated from its ParamSpecs (nothing when it has none). */
function EntryParams<Id extends string>({
  entry,
  chosen,
  onChange,
  report,
  control,
}: {
  entry: CatalogEntry<Id>;
  chosen: Chosen<Id>;
  onChange(chosen: Chosen<Id>): void;
  report: Report;
  control?: { locked: boolean; hidden: boolean };
}) {
  if (entry.params.length === 0 || control?.hidden) return null;
  const keys = entry.params.map((p) => p.key);
  return (
    <ParamForm
      specs={entry.params}
      values={chosen.params}
      onChange={(params) => onChange({ id: chosen.id, params })}
      locked={control?.locked ? keys : []}
      idPrefix={`extraction-${entry.id}`}
      report={report}
    />
  );
}

interface SetupFormProps {
  setup: ExtractionSetup;
  /** The victim shown: the setup's, or the app's model when the setup names none. */
  victimId: string | undefined;
  onChange(patch: Partial<ExtractionSetup>): void;
  report: Report;
  /** The run button, placed at the end of the attacker's fieldset. */
  children?: ReactNode;
}

/** The extraction lab's setup: the victim's oracle (output, defenses, budget) and the attacker (strategy, substitute). */
export function SetupForm({ setup, victimId, onChange, report, children }: SetupFormProps) {
  const strategy = getStrategyMeta(setup.strategy.id);
  const substitute = getSubstituteMeta(setup.substitute.id);
  const output = getOutputModeMeta(setup.output.id);
  // What the lab's spec locks (shown, not editable) or hides (not rendered).
  const c = useControlMap([
    'model',
    'output',
    'oparams',
    'defenses',
    'dparams',
    'budget',
    'strategy',
    'sparams',
    'per_round',
    'substitute',
    'subparams',
  ] as const);
  const defenseOf = (id: DefenseId) => setup.defenses.find((d) => d.id === id);
  const setDefense = (id: DefenseId, chosen: Chosen<DefenseId> | undefined) =>
    // Kept in catalog order, so the same defenses always make the same setup.
    onChange({ defenses: DEFENSE_METAS.map((m) => (m.id === id ? chosen : defenseOf(m.id))).filter((d): d is Chosen<DefenseId> => !!d) });
  return (
    <div className="extraction-form">
      <fieldset>
        <legend>Victim (the oracle)</legend>
        <label hidden={c.model.hidden}>
          Model{c.model.locked ? <LockMark /> : null}{' '}
          <select value={victimId} disabled={c.model.locked} onChange={(e) => onChange({ victimId: e.target.value })} aria-label="victim model">
            {IMAGE_MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.card.name}
              </option>
            ))}
          </select>
        </label>
        <label hidden={c.output.hidden}>
          Answers{c.output.locked ? <LockMark /> : null}{' '}
          <select
            value={setup.output.id}
            disabled={c.output.locked}
            onChange={(e) => onChange({ output: { id: e.target.value as OutputModeId, params: {} } })}
            aria-label="output mode"
          >
            {OUTPUT_MODE_METAS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <EntryParams entry={output} chosen={setup.output} onChange={(chosen) => onChange({ output: chosen })} report={report} control={c.oparams} />
        {DEFENSE_METAS.map((meta) => {
          const chosen = defenseOf(meta.id);
          return (
            <div key={meta.id} className="defense" hidden={c.defenses.hidden}>
              <label title={meta.description}>
                <input
                  type="checkbox"
                  checked={!!chosen}
                  disabled={c.defenses.locked}
                  onChange={(e) => setDefense(meta.id, e.target.checked ? { id: meta.id, params: {} } : undefined)}
                />{' '}
                {meta.name}
              </label>
              {chosen ? <EntryParams entry={meta} chosen={chosen} onChange={(next) => setDefense(meta.id, next)} report={report} control={c.dparams} /> : null}
            </div>
          );
        })}
        <label hidden={c.budget.hidden}>
          Budget{c.budget.locked ? <LockMark /> : null}{' '}
          <NumberField
            disabled={c.budget.locked}
            name="Query budget"
            integer
            min={1}
            max={MAX_EXTRACTION_BUDGET}
            value={setup.budget}
            onChange={(budget) => onChange({ budget })}
            aria-label="query budget"
            onValidity={report('budget')}
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>Attacker</legend>
        <label hidden={c.strategy.hidden}>
          Knowledge and strategy{c.strategy.locked ? <LockMark /> : null}{' '}
          <select
            value={strategy.id}
            disabled={c.strategy.locked}
            onChange={(e) => onChange({ strategy: { id: e.target.value as StrategyId, params: {} } })}
            aria-label="strategy"
          >
            {(Object.keys(KNOWLEDGE_TEXT) as AttackerKnowledge[]).map((knowledge) => (
              <optgroup key={knowledge} label={KNOWLEDGE_TEXT[knowledge]}>
                {STRATEGY_METAS.filter((m) => m.knowledge === knowledge).map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <EntryNote entry={strategy} />
        <EntryParams entry={strategy} chosen={setup.strategy} onChange={(chosen) => onChange({ strategy: chosen })} report={report} control={c.sparams} />
        <label hidden={c.per_round.hidden}>
          Queries per round{c.per_round.locked ? <LockMark /> : null}{' '}
          <NumberField
            disabled={c.per_round.locked}
            name="Queries per round"
            integer
            min={1}
            max={MAX_EXTRACTION_BUDGET}
            value={setup.queriesPerRound}
            onChange={(queriesPerRound) => onChange({ queriesPerRound })}
            aria-label="queries per round"
            onValidity={report('perRound')}
          />
        </label>
        <label hidden={c.substitute.hidden}>
          Substitute{c.substitute.locked ? <LockMark /> : null}{' '}
          <select
            value={substitute.id}
            disabled={c.substitute.locked}
            onChange={(e) => onChange({ substitute: { id: e.target.value as SubstituteId, params: {} } })}
            aria-label="substitute"
          >
            {SUBSTITUTE_METAS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <EntryNote entry={substitute} />
        <details className="substitute-training">
          <summary>Substitute training</summary>
          <EntryParams
            entry={substitute}
            chosen={setup.substitute}
            onChange={(chosen) => onChange({ substitute: chosen })}
            report={report}
            control={c.subparams}
          />
        </details>
        {children}
      </fieldset>
    </div>
  );
}
