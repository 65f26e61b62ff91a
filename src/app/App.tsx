import { useEffect, useState, type ReactNode } from 'react';
import { ErrorBoundary, FaultPoint } from '../components/ErrorBoundary';
import { useMediaQuery } from '../components/useMediaQuery';
import { selectAnnouncement, selectAnnouncementCount, useAnnouncer } from '../stores/announcer';
import { LABS, selectLab, selectSetSettings, selectZoom, useSettings } from '../stores/settings';
import { LAB_REGISTRY } from './labs';
import { SpecBar } from './SpecBar';
import { StatusBar } from './StatusBar';

/** Wider than this, the side panel sits beside the lab (see app.css); narrower, above it. */
const WIDE_LAYOUT = '(min-width: 801px)';

/**
 * The side panel: open beside the lab on wide screens; folded above it on narrow ones, so that the lab's own
 * controls come first on a phone. Either way the user can open or fold it.
 */
function SidePanel({ summary, children }: { summary: string; children: ReactNode }) {
  const wide = useMediaQuery(WIDE_LAYOUT);
  const [open, setOpen] = useState(wide);
  useEffect(() => setOpen(wide), [wide]);
  return (
    <details className="side-details" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {children}
    </details>
  );
}

/** A polite live region: results that arrive while the user is elsewhere on the page are read out. */
function Announcer() {
  const message = useAnnouncer(selectAnnouncement);
  const count = useAnnouncer(selectAnnouncementCount);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
      <span key={count}>{message}</span>
    </div>
  );
}

export function App() {
  const lab = useSettings(selectLab);
  const set = useSettings(selectSetSettings);
  const zoom = useSettings(selectZoom);
  const entry = LAB_REGISTRY[lab];
  // Every font size is in rem: scaling the root scales all text (the Presentation toggle).
  useEffect(() => document.documentElement.style.setProperty('--zoom', String(zoom / 100)), [zoom]);
  return (
    <div className="shell">
      <header className="app-header">
        <h1>Adversarial ML Playground</h1>
        <nav aria-label="labs">
          {LABS.map((id) => (
            <button
              key={id}
              type="button"
              className={id === lab ? 'tab active' : 'tab'}
              aria-current={id === lab ? 'page' : undefined}
              onClick={() => set({ lab: id })}
            >
              {LAB_REGISTRY[id].title}
            </button>
          ))}
        </nav>
      </header>
      <div className="body">
        <aside className="side">
          <SidePanel summary={entry.side.summary}>
            <entry.side.Content />
          </SidePanel>
        </aside>
        <main className="lab" aria-label={entry.title}>
          <SpecBar lab={lab} />
          <ErrorBoundary key={lab} name={`The ${entry.title} lab`} onReset={entry.reset} resetLabel="Reset this lab">
            <FaultPoint where={`${lab}-lab`} />
            <entry.Page />
          </ErrorBoundary>
        </main>
      </div>
      <StatusBar />
      <Announcer />
    </div>
  );
}
