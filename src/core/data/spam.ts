/** The spam-filter split every script and the app share (no tfjs here: the text lab and Node scripts import it). */
export const SPAM_SPLIT = {
  seed: 20261123,
  /** Share of each class that goes to the test set. */
  testFraction: 0.2,
  /** Longer texts are cut to this many characters. */
  maxTextLength: 20_000,
  /** Where the generated files live, relative to the app's origin and to `public/`. */
  urlPath: 'data/spam',
  files: { train: 'train.json', test: 'test.json', meta: 'split.json' },
} as const;

/** 1 = spam, 0 = ham. */
export type SpamLabel = 0 | 1;

/** One email as the filter sees it: subject + "\n\n" + plain-text body. */
export interface SpamExample {
  text: string;
  label: SpamLabel;
}

export type SpamSplitName = 'train' | 'test';

/** Checks the shape of a downloaded split before anything trains on it. */
export function parseSpamSplit(data: unknown, source: string): SpamExample[] {
  const valid =
    Array.isArray(data) &&
    data.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as SpamExample).text === 'string' &&
        ((item as SpamExample).label === 0 || (item as SpamExample).label === 1),
    );
  if (!valid) {
    throw new Error(`Spam data from ${source} is not an array of { text, label: 0 | 1 }. Regenerate it with "npm run prepare-data".`);
  }
  return data as SpamExample[];
}

/** Loads a split over HTTP from `baseUrl` (a folder URL ending in "/"), in a page, a worker or Node. */
export async function fetchSpamSplit(baseUrl: string, split: SpamSplitName): Promise<SpamExample[]> {
  const url = baseUrl + SPAM_SPLIT.files[split];
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`Could not load spam data from ${url} (HTTP ${response.status}). Run "npm run prepare-data" and reload.`);
  }
  return parseSpamSplit(await response.json(), url);
}
