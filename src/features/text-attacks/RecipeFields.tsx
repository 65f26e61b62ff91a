/**
 * The text lab's recipe form, built from the catalogs: the transformation checkboxes (with the parameters of the
 * chosen ones), the search method and the constraints. Props in, changes out: the lab passes its store's recipe, a
 * test renders them with a catalog of its own.
 */
import { LockMark } from '../../components/LockMark';
import { useControl, useControlLists, useControlMap } from '../../stores/useControl';
import { NumberField } from '../../components/NumberField';
import { ParamForm } from '../../components/ParamForm';
import { defaultTransformationParams, FAMILIES, FAMILY_LABELS, SEARCH_METHODS, TEXT_TRANSFORMATIONS, type RankingId } from '../../core/text/catalog';
import { CONSTRAINTS, type RecipeTransformation, type TextConstraints } from '../../core/text/recipe';
import type { TransformationEntry } from '../../core/text/transformation';

type Report = (key: string) => (error: string | undefined) => void;

interface TransformationListProps {
  selected: readonly RecipeTransformation[];
  onChange(next: RecipeTransformation[]): void;
  /** The transformations to offer: the app's catalog unless a test gives its own. */
  catalog?: readonly TransformationEntry[];
  report?: Report;
}

/** One checkbox per transformation, grouped by family; a chosen one with parameters shows their fields below it. */
export function TransformationList({ selected, onChange, catalog = TEXT_TRANSFORMATIONS, report }: TransformationListProps) {
  const chosen = (id: string) => selected.find((t) => t.id === id);
  const toggle = (entry: TransformationEntry, on: boolean) => {
    const next = on ? [...selected, { id: entry.id, params: defaultTransformationParams(entry) }] : selected.filter((t) => t.id !== entry.id);
    // Catalog order, so the same choice is the same recipe however it was clicked.
    onChange(catalog.flatMap((e) => next.filter((t) => t.id === e.id)));
  };
  const setParams = (id: string, params: RecipeTransformation['params']) => onChange(selected.map((t) => (t.id === id ? { ...t, params } : t)));
  const c = useControlMap(['t', 'tp'] as const);
  if (c.t.hidden) return null;
  return (
    <fieldset className="sweep-attacks">
      <legend>Perturbations{c.t.locked ? <LockMark /> : null}</legend>
      {FAMILIES.map((family) => (
        <div key={family}>
          <strong className="small">{FAMILY_LABELS[family]}</strong>
          {catalog
            .filter((entry) => entry.family === family)
            .map((entry) => {
              const current = chosen(entry.id);
              return (
                <div key={entry.id} className="transformation-choice">
                  <label className="label-choice" title={entry.help}>
                    <input
                      type="checkbox"
                      data-transformation={entry.id}
                      checked={current !== undefined}
                      disabled={c.t.locked}
                      onChange={(e) => toggle(entry, e.target.checked)}
                    />{' '}
                    {entry.name}
                  </label>
                  {current && entry.params.length > 0 && !c.tp.hidden ? (
                    // Indented under its checkbox; app.css (not this feature's) sizes the fields of a param-form.
                    <div style={{ marginLeft: '1.5rem' }}>
                      <ParamForm
                        specs={[...entry.params]}
                        values={{ ...defaultTransformationParams(entry), ...current.params }}
                        onChange={(params) => setParams(entry.id, params)}
                        locked={c.tp.locked ? entry.params.map((p) => p.key) : []}
                        idPrefix={`transformation-${entry.id}`}
                        report={report}
                      />
                    </div>
                  ) : null}
                </div>
              );
            })}
        </div>
      ))}
    </fieldset>
  );
}

/** The word ranking of the greedy search, from the search catalog. */
export function SearchMethodSelect({ value, onChange }: { value: RankingId; onChange(id: RankingId): void }) {
  const control = useControl('ranking');
  return (
    <select value={value} disabled={control.locked} onChange={(e) => onChange(e.target.value as RankingId)}>
      {SEARCH_METHODS.map((method) => (
        <option key={method.id} value={method.id} title={method.help}>
          {method.name}
        </option>
      ))}
    </select>
  );
}

/** One field per constraint of the catalog, typed by its spec. */
/** Each constraint's control in the lab's spec (src/core/spec/textSpec.ts): what a link locks or hides. */
const CONSTRAINT_CONTROLS: Record<keyof TextConstraints, string> = {
  maxWordShare: 'share',
  maxQueries: 'queries',
  maxEditDistance: 'edits',
  skipStopWords: 'stop',
  allowedCharacters: 'chars',
};

export function ConstraintFields({
  constraints,
  onChange,
  report,
}: {
  constraints: TextConstraints;
  onChange(patch: Partial<TextConstraints>): void;
  report?: Report;
}) {
  const { locked, hidden } = useControlLists();
  return (
    <>
      {CONSTRAINTS.map(({ spec, choiceLabels }) => {
        const value = constraints[spec.key];
        const control = CONSTRAINT_CONTROLS[spec.key];
        if (hidden.includes(control)) return null;
        const isLocked = locked.includes(control);
        if (spec.kind === 'boolean') {
          return (
            <label key={spec.key} className="param" title={spec.help}>
              <span>
                <input type="checkbox" checked={value === true} disabled={isLocked} onChange={(e) => onChange({ [spec.key]: e.target.checked })} /> {spec.label}
              </span>
            </label>
          );
        }
        if (spec.kind === 'choice') {
          return (
            <label key={spec.key} className="param" title={spec.help}>
              {spec.label}
              <select value={String(value)} disabled={isLocked} onChange={(e) => onChange({ [spec.key]: e.target.value })}>
                {spec.choices?.map((choice) => (
                  <option key={choice} value={choice}>
                    {choiceLabels?.[choice] ?? choice}
                  </option>
                ))}
              </select>
            </label>
          );
        }
        return (
          <label key={spec.key} className="param" title={spec.help}>
            {spec.label}
            <NumberField
              name={spec.label}
              step={spec.step}
              min={spec.min}
              max={spec.max}
              integer={spec.kind === 'integer'}
              value={Number(value)}
              disabled={isLocked}
              onChange={(n) => onChange({ [spec.key]: n })}
              onValidity={report?.(spec.key)}
            />
          </label>
        );
      })}
    </>
  );
}
