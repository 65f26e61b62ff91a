import type { ModelCard } from '../core/models/card';
import type { ModelRef } from '../workers/modelApi';

/** The bundled models: their cards are built into the app; weights are fetched from /models/<id>/ on use. */
const cards = import.meta.glob<ModelCard>('../../models/*/card.json', { eager: true, import: 'default' });

export const BUNDLED_MODELS: ModelRef[] = Object.values(cards)
  .map((card) => ({ id: card.id, url: `${import.meta.env.BASE_URL}models/${card.id}/model.json`, card }))
  .sort((a, b) => a.id.localeCompare(b.id));

/** The image classifiers: what the image and extraction labs (and the side panel's picker) offer. */
export const IMAGE_MODELS: ModelRef[] = BUNDLED_MODELS.filter((m) => m.card.task === 'image-classification');

/** The text classifiers: what the text lab attacks. */
export const TEXT_MODELS: ModelRef[] = BUNDLED_MODELS.filter((m) => m.card.task === 'text-classification');

export function findBundledModel(id: string): ModelRef | undefined {
  return BUNDLED_MODELS.find((m) => m.id === id);
}

/** An image classifier by id (undefined for a text model, which the image labs cannot attack). */
export function findImageModel(id: string): ModelRef | undefined {
  return IMAGE_MODELS.find((m) => m.id === id);
}
