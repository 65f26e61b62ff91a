import type { AttackParams, ParamSpec } from '../core/attacks/types';
import { LockMark } from './LockMark';
import { NumberField } from './NumberField';

interface ParamFormProps {
  specs: ParamSpec[];
  values: AttackParams;
  onChange(values: AttackParams): void;
  /** Keys not to show (e.g. the budget, when a sweep sets it, or a control a spec hides). */
  hidden?: string[];
  /** Keys shown but not editable (a spec locks them). */
  locked?: string[];
  idPrefix: string;
  /** Receives each number field's error (see useFieldErrors), so the form can block its Run button. */
  report?: (key: string) => (error: string | undefined) => void;
}

/** One input per parameter, typed by its spec, with its one-line help as a tooltip and below. */
export function ParamForm({ specs, values, onChange, hidden = [], locked = [], idPrefix, report }: ParamFormProps) {
  const set = (key: string, value: number | boolean | string) => onChange({ ...values, [key]: value });
  return (
    <div className="param-form">
      {specs
        .filter((spec) => !hidden.includes(spec.key))
        .map((spec) => {
          const id = `${idPrefix}-${spec.key}`;
          const value = values[spec.key] ?? spec.default;
          const isLocked = locked.includes(spec.key);
          return (
            <div className="param" key={spec.key} title={spec.help}>
              <label htmlFor={id}>
                {spec.label} <code>{spec.key}</code>
                {isLocked ? <LockMark /> : null}
              </label>
              {spec.kind === 'boolean' ? (
                <input id={id} type="checkbox" checked={value === true} disabled={isLocked} onChange={(e) => set(spec.key, e.target.checked)} />
              ) : spec.kind === 'choice' ? (
                <select id={id} value={String(value)} disabled={isLocked} onChange={(e) => set(spec.key, e.target.value)}>
                  {spec.choices?.map((c) => (
                    <option key={c} value={c}>
                      {spec.key === 'norm' ? (c === 'inf' ? 'L∞' : `L${c}`) : c}
                    </option>
                  ))}
                </select>
              ) : (
                <NumberField
                  id={id}
                  name={spec.label}
                  min={spec.min}
                  max={spec.max}
                  integer={spec.kind === 'integer'}
                  step={spec.step}
                  value={Number(value)}
                  disabled={isLocked}
                  onChange={(n) => set(spec.key, n)}
                  onValidity={report?.(id)}
                />
              )}
            </div>
          );
        })}
    </div>
  );
}
