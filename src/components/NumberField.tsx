import { useEffect, useId, useRef, useState } from 'react';

export interface NumberFieldProps {
  value: number;
  /** Called only with a valid value: a number, whole when `integer`, within [min, max]. */
  onChange(value: number): void;
  min?: number;
  max?: number;
  integer?: boolean;
  step?: number | 'any';
  id?: string;
  /** The field's name in its error message ("Test digits must be ..."). */
  name: string;
  'aria-label'?: string;
  size?: number;
  disabled?: boolean;
  /** Told the field's current error (or undefined) whenever it changes, so the form can block its Run button. */
  onValidity?(error: string | undefined): void;
}

/** What is wrong with the text of a number field, or undefined when it holds a valid value. */
export function numberFieldError(text: string, { name, min, max, integer }: Pick<NumberFieldProps, 'name' | 'min' | 'max' | 'integer'>): string | undefined {
  if (text.trim() === '') return `${name} is empty: give a value.`;
  const n = Number(text);
  if (!Number.isFinite(n)) return `${name} must be a number.`;
  if (integer && !Number.isInteger(n)) return `${name} must be a whole number.`;
  const range = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) return `${name} must be ${range}; got ${n}.`;
  return undefined;
}

/**
 * A number input that never rewrites what the user is typing: it keeps its own text, passes a value up only when the
 * text is valid, and shows what is wrong next to itself otherwise (clearing the field and typing 50 gives 50).
 */
export function NumberField({ value, onChange, min, max, integer, step, id, name, size, disabled, onValidity, ...rest }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  const errorId = useId();
  const error = numberFieldError(text, { name, min, max, integer });
  // A value changed from outside (a link, a reset) replaces the text, unless the text already says it.
  useEffect(() => {
    setText((current) => (current.trim() !== '' && Number(current) === value ? current : String(value)));
  }, [value]);
  const report = useRef(onValidity);
  report.current = onValidity;
  useEffect(() => report.current?.(error), [error]);
  useEffect(() => () => report.current?.(undefined), []);
  return (
    <span className="number-field">
      <input
        id={id}
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : 'any')}
        size={size}
        disabled={disabled}
        value={text}
        aria-label={rest['aria-label']}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (!numberFieldError(next, { name, min, max, integer })) onChange(Number(next));
        }}
      />
      {error ? (
        <span className="field-error" id={errorId} role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
