import { useCallback } from 'react';
import { create } from 'zustand';

/**
 * The current errors of number fields, by form and field, so that a form's Run button is blocked while any of its
 * fields holds an invalid value, even when the fields and the button live in different components.
 */
interface FieldErrorsStore {
  errors: Record<string, Record<string, string>>;
  report(form: string, field: string, error: string | undefined): void;
}

export const useFieldErrorsStore = create<FieldErrorsStore>((set) => ({
  errors: {},
  report: (form, field, error) =>
    set((s) => {
      const current = s.errors[form] ?? {};
      if (current[field] === error) return s;
      const next = { ...current };
      if (error === undefined) delete next[field];
      else next[field] = error;
      return { errors: { ...s.errors, [form]: next } };
    }),
}));

const NONE: Record<string, string> = {};

/** `report(field)` is a field's onValidity; `invalid` is true while any field of the form has an error. */
export function useFieldErrors(form: string) {
  const errors = useFieldErrorsStore((s) => s.errors[form] ?? NONE);
  const reportTo = useFieldErrorsStore((s) => s.report);
  const report = useCallback((field: string) => (error: string | undefined) => reportTo(form, field, error), [form, reportTo]);
  return { report, invalid: Object.keys(errors).length > 0, messages: Object.values(errors) };
}
