import { ModelCardView } from '../components/ModelCardView';
import { IMAGE_MODELS, findImageModel } from '../stores/models';
import { LockMark } from '../components/LockMark';
import { selectModelId, selectSetSettings, useSettings } from '../stores/settings';
import { useControl } from '../stores/useControl';
import { formatPercent } from '../core/format';

/** Lists the bundled models and shows the chosen one's card. */
export function ModelPicker() {
  const modelId = useSettings(selectModelId);
  const set = useSettings(selectSetSettings);
  const chosen = findImageModel(modelId);
  const control = useControl('model');
  return (
    <div className="model-picker">
      {control.hidden ? null : (
        <label>
          Model{control.locked ? <LockMark /> : null}{' '}
          <select value={chosen ? modelId : ''} disabled={control.locked} onChange={(e) => set({ model: e.target.value })} aria-label="model">
            {chosen ? null : <option value="">choose a model</option>}
            {IMAGE_MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.card.name} ({formatPercent(m.card.metrics.testAccuracy)})
              </option>
            ))}
          </select>
        </label>
      )}
      {chosen ? (
        <ModelCardView card={chosen.card} />
      ) : (
        <p className="error" role="alert">
          No bundled model is called "{modelId}". Choose one from the list.
        </p>
      )}
    </div>
  );
}
