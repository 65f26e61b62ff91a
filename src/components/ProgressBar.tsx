interface ProgressBarProps {
  fraction: number;
  message?: string;
  onCancel?: () => void;
}

export function ProgressBar({ fraction, message, onCancel }: ProgressBarProps) {
  return (
    <div className="progress">
      <progress max={1} value={fraction} aria-label="progress" />
      <span className="progress-text">{message ?? `${Math.round(fraction * 100)}%`}</span>
      {onCancel ? (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
