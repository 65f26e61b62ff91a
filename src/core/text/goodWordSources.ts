/** Where the good words of the good-word attacks come from: the form lists these (no tfjs here, for the page). */
export type GoodWordSource = 'model' | 'data';

export const GOOD_WORD_SOURCES: Readonly<Record<GoodWordSource, string>> = {
  model: 'From the model: each vocabulary word scored alone (white-box, or one query per word once)',
  data: 'From legitimate mail: words frequent in the training ham and rare in spam (passive, no query)',
};
