import type { AttackParams, ParamSpec } from '../core/attacks/types';

interface ParamFormProps {
  specs: ParamSpec[];
  values: AttackParams;
  onChange(values: AttackParams): void;
  /** Keys not to show (e.g. the budget, when a sweep sets it). */
  hidden?: string[];
  idPrefix: string;
}

/** One input per parameter, typed by its spec, with its one-line help as a tooltip and below. */
export function ParamForm({ specs, values, onChange, hidden = [], idPrefix }: ParamFormProps) {
  const set = (key: string, value: number | boolean | string) => onChange({ ...values, [key]: value });
  return (
    <div className="param-form">
      {specs
        .filter((spec) => !hidden.includes(spec.key))
        .map((spec) => {
          const id = `${idPrefix}-${spec.key}`;
          const value = values[spec.key] ?? spec.default;
          return (
            <div className="param" key={spec.key} title={spec.help}>
              <label htmlFor={id}>
                {spec.label} <code>{spec.key}</code>
              </label>
              {spec.kind === 'boolean' ? (
                <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(spec.key, e.target.checked)} />
              ) : spec.kind === 'choice' ? (
                <select id={id} value={String(value)} onChange={(e) => set(spec.key, e.target.value)}>
                  {spec.choices?.map((c) => (
                    <option key={c} value={c}>
                      {spec.key === 'norm' ? (c === 'inf' ? 'L∞' : `L${c}`) : c}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  type="number"
                  min={spec.min}
                  max={spec.max}
                  step={spec.step ?? (spec.kind === 'integer' ? 1 : 'any')}
                  value={String(value)}
                  onChange={(e) => set(spec.key, e.target.value === '' ? '' : Number(e.target.value))}
                />
              )}
            </div>
          );
        })}
    </div>
  );
}
