import { useLayoutEffect, useRef } from 'react';

/**
 * A Run button is disabled while its job runs, which drops keyboard focus to the page: hand it to the Stop (or
 * Cancel) button while the job runs, and back to Run when it ends. Focus is only moved when nothing else holds it.
 */
export function useRunFocus(running: boolean) {
  const run = useRef<HTMLButtonElement>(null);
  const stop = useRef<HTMLButtonElement>(null);
  const was = useRef(running);
  useLayoutEffect(() => {
    if (was.current === running) return;
    was.current = running;
    const active = document.activeElement;
    const lost = !active || active === document.body || active === run.current || active === stop.current;
    if (!lost) return;
    if (running) stop.current?.focus();
    else run.current?.focus();
  }, [running]);
  return { run, stop };
}
