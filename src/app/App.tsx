import { useEffect, useState, type ReactNode } from 'react';
import { AuditLab } from '../features/audit/AuditLab';
import { ExtractionLab } from '../features/extraction/ExtractionLab';
import { ImageAttackLab } from '../features/image-attacks/ImageAttackLab';
import { ErrorBoundary, FaultPoint } from '../components/ErrorBoundary';
import { ModelCardView } from '../components/ModelCardView';
import { useMediaQuery } from '../components/useMediaQuery';
import { selectAnnouncement, selectAnnouncementCount, useAnnouncer } from '../stores/announcer';
import { useAuditLab } from '../stores/auditLab';
import { useExtractionLab } from '../stores/extractionLab';
import { useImageLab } from '../stores/imageLab';
import { useTextLab } from '../stores/textLab';
import { TEXT_MODELS } from '../stores/models';
import { TextAttackLab } from '../features/text-attacks/TextAttackLab';
import { selectLab, selectSetSettings, selectZoom, useSettings, type LabId } from '../stores/settings';
import { ModelPicker } from './ModelPicker';
import { StatusBar } from './StatusBar';

const LAB_TITLES: Record<LabId, string> = {
  image: 'Image attacks',
  text: 'Text attacks',
  extraction: 'Model extraction',
  audit: 'Your model',
};

/** What "Reset this lab" forgets after a render error: the lab's results of this session (settings live in the URL). */
const LAB_RESETS: Record<LabId, () => void> = {
  image: () => useImageLab.getState().reset(),
  text: () => useTextLab.setState({ result: undefined, batch: undefined }),
  extraction: () => useExtractionLab.getState().clear(),
  audit: () => useAuditLab.setState({ reports: [], shown: undefined, compareWith: undefined }),
};

/** The side panel of the audit lab: what the suite does, and the command-line twin. */
function AuditHelp() {
  return (
    <div className="model-card">
      <h2 className="visually-hidden">What the audit runs</h2>
      <p>Images: FGSM and PGD swept over L∞ budgets, DeepFool's minimal L2 changes, the Square attack with scores only, and how faithful a copy 400 to 1,000 queries can steal.</p>
      <p>Text: character edits, Unicode tricks and word swaps, with and without the input normalizer, against an unaware and an adaptive attacker.</p>
      <p>
        Try it with a bundled model: download <a href={`${import.meta.env.BASE_URL}models/mnist-cnn/model.json`}>model.json</a> and{' '}
        <a href={`${import.meta.env.BASE_URL}models/mnist-cnn/weights.bin`}>weights.bin</a> of mnist-cnn, or paste the model.json address in the URL box.
      </p>
      <p>
        In CI: <code>npm run audit -- --model model.json --data images/ --min-robust-accuracy 0.5 --at-eps 0.1</code> exits 1 when the model misses the bar.
      </p>
    </div>
  );
}

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
  // Every font size is in rem: scaling the root scales all text (the Presentation toggle).
  useEffect(() => document.documentElement.style.setProperty('--zoom', String(zoom / 100)), [zoom]);
  return (
    <div className="shell">
      <header className="app-header">
        <h1>Adversarial ML Playground</h1>
        <nav aria-label="labs">
          {(Object.keys(LAB_TITLES) as LabId[]).map((id) => (
            <button
              key={id}
              type="button"
              className={id === lab ? 'tab active' : 'tab'}
              aria-current={id === lab ? 'page' : undefined}
              onClick={() => set({ lab: id })}
            >
              {LAB_TITLES[id]}
            </button>
          ))}
        </nav>
      </header>
      <div className="body">
        <aside className="side">
          <SidePanel summary={lab === 'audit' ? 'What the audit runs' : lab === 'text' ? 'Model card' : 'Model and model card'}>
            {lab === 'text' && TEXT_MODELS[0] ? <ModelCardView card={TEXT_MODELS[0].card} /> : lab === 'audit' ? <AuditHelp /> : <ModelPicker />}
          </SidePanel>
        </aside>
        <main className="lab" aria-label={LAB_TITLES[lab]}>
          <ErrorBoundary key={lab} name={`The ${LAB_TITLES[lab]} lab`} onReset={LAB_RESETS[lab]} resetLabel="Reset this lab">
            <FaultPoint where={`${lab}-lab`} />
            {lab === 'image' ? <ImageAttackLab /> : lab === 'text' ? <TextAttackLab /> : lab === 'audit' ? <AuditLab /> : <ExtractionLab />}
          </ErrorBoundary>
        </main>
      </div>
      <StatusBar />
      <Announcer />
    </div>
  );
}
