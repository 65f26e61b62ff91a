import type { ReactNode } from 'react';

/**
 * A box that scrolls its own wide content (a table) instead of the page: focusable, so keyboard users can scroll
 * it too, and named, so screen readers say what it holds.
 */
export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
