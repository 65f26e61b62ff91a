import type { Ref } from 'react';

interface ProgressBarProps {
  fraction: number;
  message?: string;
  onCancel?: () => void;
  /** The Cancel button, for a Run button to hand keyboard focus to while its job runs (useRunFocus). */
  cancelRef?: Ref<HTMLButtonElement>;
}

export function ProgressBar({ fraction, message, onCancel, cancelRef }: ProgressBarProps) {
  return (
    <div className="progress">
      <progress max={1} value={fraction} aria-label="progress" />
      <span className="progress-text">{message ?? `${Math.round(fraction * 100)}%`}</span>
      {onCancel ? (
        <button ref={cancelRef} type="button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
