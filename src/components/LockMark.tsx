/** Marks a control a spec locks: shown, not editable (the lab's link or setup file fixed it). */
export function LockMark() {
  return (
    <span className="lock-mark" title="Locked by this lab's setup" data-testid="lock-mark">
      {' '}
      (locked)
    </span>
  );
}
