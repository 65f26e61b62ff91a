import { Fragment, type ReactNode } from 'react';
import type { TextEdit } from '../../core/text/attack';
import { TRANSFORMATIONS } from '../../core/text/catalog';
import { describeCharacter, diffCharacters } from '../../core/text/characters';
import { formatCount } from '../../core/format';

/** One character of an edited word: changed ones are marked; invisible and look-alike ones get a visible stand-in. */
function Character({ char, changed, was }: { char: string; changed: boolean; was?: string }) {
  const info = describeCharacter(char);
  const title = was !== undefined ? `${info.description} (was "${was}" ${describeCharacter(was).codePoint})` : info.description;
  if (info.kind === 'invisible' || info.kind === 'bidi') {
    return (
      <span className={`char char-${info.kind}`} title={title} data-codepoint={info.codePoint}>
        {info.kind === 'bidi' ? '⇄' : '·'}
        {char}
      </span>
    );
  }
  if (!changed && info.kind === 'plain') return <>{char}</>;
  return (
    <span className={`char ${changed ? 'char-changed' : ''} char-${info.kind}`} title={title} data-codepoint={info.codePoint}>
      {char}
    </span>
  );
}

/** Word-level transformations put in a whole new word: no character of it is an "edit" of the old one. */
const wordLevelName = (transformation: string) =>
  TRANSFORMATIONS[transformation]?.family === 'word' ? TRANSFORMATIONS[transformation].name.toLowerCase() : undefined;

function EditedWord({ edit }: { edit: Pick<TextEdit, 'before' | 'after' | 'transformation' | 'kind'> }) {
  const diff = diffCharacters(edit.before, edit.after);
  const kindName = wordLevelName(edit.transformation);
  const wordLevel = edit.kind === 'insert' || kindName !== undefined;
  return (
    <span className={`edit edit-${edit.kind}`} title={`${edit.transformation}: "${edit.before}" → "${edit.after}"`}>
      {edit.kind === 'replace' && <del className="edit-before">{edit.before}</del>}
      <ins className="edit-after">
        {wordLevel
          ? Array.from(edit.after).map((c, i) => <Character key={i} char={c} changed />)
          : diff
              .filter((d) => d.op !== 'delete')
              .map((d, i) => <Character key={i} char={d.char} changed={d.op !== 'same'} was={d.op === 'replace' ? d.was : undefined} />)}
      </ins>
      {kindName ? <sub className="edit-kind">{kindName}</sub> : null}
    </span>
  );
}

const CONTEXT = 160;

/**
 * The original text with each edit shown in place: the old word struck through, the new one with every changed
 * character marked; code points on hover. Long stretches without edits are shortened around the edits.
 */
export function DiffView({ original, edits }: { original: string; edits: readonly TextEdit[] }) {
  const insertions = edits.filter((e) => e.kind === 'insert');
  const replacements = edits.filter((e) => e.kind === 'replace').sort((a, b) => a.start - b.start);
  const parts: ReactNode[] = [];
  const plain = (from: number, to: number, key: string) => {
    const text = original.slice(from, to);
    if (text.length <= 2 * CONTEXT + 40) return <Fragment key={key}>{text}</Fragment>;
    // Keep the context on both sides of each edit; elide the middle.
    const head = text.slice(0, CONTEXT);
    const tail = text.slice(-CONTEXT);
    const skipped = text.length - head.length - tail.length;
    return (
      <Fragment key={key}>
        {head}
        <span className="elided">[… {formatCount(skipped)} characters unchanged …]</span>
        {tail}
      </Fragment>
    );
  };
  insertions.forEach((edit, i) => {
    parts.push(<EditedWord key={`i${i}`} edit={edit} />, ' ');
  });
  let position = 0;
  replacements.forEach((edit, i) => {
    parts.push(plain(position, edit.start, `p${i}`), <EditedWord key={`r${i}`} edit={edit} />);
    position = edit.end;
  });
  parts.push(plain(position, original.length, 'end'));
  return (
    // It scrolls: focusable so the keyboard can scroll it, a named region so screen readers say what it is.
    <div className="diff-view" role="region" aria-label="diff view" tabIndex={0}>
      {parts}
    </div>
  );
}
