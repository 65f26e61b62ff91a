import { ExtractionLab } from '../features/extraction/ExtractionLab';
import { ImageAttackLab } from '../features/image-attacks/ImageAttackLab';
import { ModelCardView } from '../components/ModelCardView';
import { TEXT_MODELS } from '../stores/models';
import { TextAttackLab } from '../features/text-attacks/TextAttackLab';
import { selectLab, selectSetSettings, useSettings, type LabId } from '../stores/settings';
import { ModelPicker } from './ModelPicker';
import { StatusBar } from './StatusBar';

const LAB_TITLES: Record<LabId, string> = {
  image: 'Image attacks',
  text: 'Text attacks',
  extraction: 'Model extraction',
};

export function App() {
  const lab = useSettings(selectLab);
  const set = useSettings(selectSetSettings);
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
          {lab === 'text' && TEXT_MODELS[0] ? <ModelCardView card={TEXT_MODELS[0].card} /> : <ModelPicker />}
        </aside>
        <main className="lab" aria-label={LAB_TITLES[lab]}>
          {lab === 'image' ? <ImageAttackLab /> : lab === 'text' ? <TextAttackLab /> : <ExtractionLab />}
        </main>
      </div>
      <StatusBar />
    </div>
  );
}
