/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import './wasmAssets';
import { useBackend } from '../core/backend/backends';
import { fetchSpamSplit, SPAM_SPLIT } from '../core/data/spam';
import type { GoodWordList } from '../core/text/goodWords';
import { textModelFromLayersModel } from '../core/text/textModel';
import type { Vocabulary } from '../core/text/tokenizer';
import type { SynonymTable } from '../core/text/wordnet';
import { serveWorker } from '../rpc/serve';
import type { ModelRef } from './modelApi';
import { textHandlers } from './textApi';

// Text models are small and their attacks are many tiny model calls: wasm, as in the image worker's usual pick.
const ready = useBackend('wasm').catch(() => useBackend('cpu'));

async function fetchJson<T>(url: string, what: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not load ${what} from ${url} (HTTP ${response.status}).`);
  return (await response.json()) as T;
}

/** The model's folder holds model.json, vocabulary.json and, when built, synonyms.json and good-words.json. */
async function optionalJson<T>(url: string): Promise<T | undefined> {
  const response = await fetch(url);
  return response.ok ? ((await response.json()) as T) : undefined;
}

serveWorker(
  textHandlers(async (ref: ModelRef) => {
    await ready;
    const folder = ref.url.slice(0, ref.url.lastIndexOf('/') + 1);
    const base = ref.url.slice(0, ref.url.indexOf('models/'));
    const [layers, vocabulary, synonyms, goodWords, testSet] = await Promise.all([
      tf.loadLayersModel(ref.url),
      fetchJson<Vocabulary>(folder + 'vocabulary.json', 'the vocabulary'),
      optionalJson<SynonymTable>(folder + 'synonyms.json'),
      optionalJson<GoodWordList>(folder + 'good-words.json'),
      fetchSpamSplit(`${base}${SPAM_SPLIT.urlPath}/`, 'test'),
    ]);
    const model = textModelFromLayersModel(layers, {
      vocabulary,
      classes: ref.card.classes,
      output: ref.card.output === 'probabilities' ? 'probabilities' : 'logits',
    });
    return { model, synonyms, dataGoodWords: goodWords?.words, testSet };
  }),
);
