import { useEffect, useMemo, useState } from 'react';
import { DigitImage } from '../../components/DigitImage';
import { DrawingCanvas } from '../../components/DrawingCanvas';
import { LockMark } from '../../components/LockMark';
import { NumberField } from '../../components/NumberField';
import { createRng } from '../../core/data/rng';
import { selectDigit, selectSeed, selectSetSettings, useSettings } from '../../stores/settings';
import { useControl } from '../../stores/useControl';
import { imageFileToDigit } from './imageUpload';
import { digitAt, useTestSplit } from './useTestDigit';

export interface LabInput {
  pixels: Uint8Array;
  width: number;
  height: number;
  /**
   * The label the attack moves away from and "fooled" is judged against: the true label of a test digit, the one the
   * user gives for a drawing or upload, or (until they give one) the model's own prediction, filled in by the lab.
   */
  label?: number;
  /** Where the label comes from; "model" labels are marked as such wherever a verdict uses them. */
  labelSource: 'test' | 'user' | 'model';
  description: string;
}

type Source = 'test' | 'draw' | 'upload';

/** Where the attacked image comes from: a test digit, a drawing, or an uploaded file. */
export function InputPicker({ classes, onInput }: { classes: string[]; onInput(input: LabInput | undefined): void }) {
  const [source, setSource] = useState<Source>('test');
  // A spec that locks or hides the digit fixes the input: no drawing or upload instead.
  const digitControl = useControl('digit');
  if (digitControl.locked || digitControl.hidden) {
    return (
      <div className="input-picker">
        <TestDigitSource onInput={onInput} fixed={digitControl} />
      </div>
    );
  }
  return (
    <div className="input-picker">
      <div className="segmented" role="tablist" aria-label="image source">
        {(['test', 'draw', 'upload'] as const).map((s) => (
          <button key={s} type="button" role="tab" aria-selected={source === s} className={source === s ? 'active' : ''} onClick={() => setSource(s)}>
            {s === 'test' ? 'Test digit' : s === 'draw' ? 'Draw' : 'Upload'}
          </button>
        ))}
      </div>
      {source === 'test' ? <TestDigitSource onInput={onInput} /> : <CustomSource key={source} kind={source} classes={classes} onInput={onInput} />}
    </div>
  );
}

function TestDigitSource({ onInput, fixed }: { onInput(input: LabInput | undefined): void; fixed?: { locked: boolean; hidden: boolean } }) {
  const index = useSettings(selectDigit);
  const seed = useSettings(selectSeed);
  const set = useSettings(selectSetSettings);
  const { split, error } = useTestSplit();
  const count = split?.count ?? 2000;
  const rng = useMemo(() => createRng(seed), [seed]);
  const digit = useMemo(() => (split ? digitAt(split, Math.min(index, split.count - 1)) : undefined), [split, index]);
  const input = useMemo(
    () =>
      digit
        ? {
            pixels: digit.pixels,
            width: digit.width,
            height: digit.height,
            label: digit.label,
            labelSource: 'test' as const,
            description: `test digit #${index}`,
          }
        : undefined,
    [digit, index],
  );
  useStableInput(input, onInput);
  return (
    <div className="source">
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {fixed?.hidden ? null : (
        <div className="digit-controls">
          <label>
            Test digit #{fixed?.locked ? <LockMark /> : null}
            <NumberField
              name="Test digit"
              integer
              min={0}
              max={count - 1}
              value={index}
              aria-label="test digit index"
              disabled={fixed?.locked}
              onChange={(digit) => set({ digit })}
            />
          </label>
          {fixed?.locked ? null : (
            <>
              <button type="button" onClick={() => set({ digit: (index + count - 1) % count })}>
                Previous
              </button>
              <button type="button" onClick={() => set({ digit: (index + 1) % count })}>
                Next
              </button>
              <button type="button" onClick={() => set({ digit: rng.int(count) })} title={`seeded by ${seed}`}>
                Random
              </button>
            </>
          )}
        </div>
      )}
      {digit ? (
        <figure className="input-figure">
          <DigitImage pixels={digit.pixels} width={digit.width} height={digit.height} label={`test digit ${index}`} />
          <figcaption>
            true label <strong data-testid="true-label">{digit.label}</strong>
          </figcaption>
        </figure>
      ) : (
        <p>Loading test digits…</p>
      )}
    </div>
  );
}

function CustomSource({ kind, classes, onInput }: { kind: 'draw' | 'upload'; classes: string[]; onInput(input: LabInput | undefined): void }) {
  const [pixels, setPixels] = useState<Uint8Array>();
  // Unknown until the user says: the lab then judges against the model's own prediction, and says so.
  const [label, setLabel] = useState<number>();
  const [note, setNote] = useState<string>();
  const [error, setError] = useState<string>();
  const input = useMemo(
    () =>
      pixels
        ? {
            pixels,
            width: 28,
            height: 28,
            label,
            labelSource: label === undefined ? ('model' as const) : ('user' as const),
            description: kind === 'draw' ? 'your drawing' : 'your image',
          }
        : undefined,
    [pixels, label, kind],
  );
  useStableInput(input, onInput);
  return (
    <div className="source">
      {kind === 'draw' ? (
        <DrawingCanvas width={28} height={28} onChange={setPixels} />
      ) : (
        <div className="upload">
          <input
            type="file"
            accept="image/*"
            aria-label="upload an image"
            // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches its own errors and shows them.
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              try {
                const digit = await imageFileToDigit(file);
                setPixels(digit.pixels);
                setNote(digit.note);
                setError(undefined);
              } catch (err) {
                setError((err as Error).message);
              }
            }}
          />
          {error ? (
            <p className="error" role="alert">
              {error}
            </p>
          ) : null}
          {note && !error ? <p className="note">{note}</p> : null}
          {pixels ? <DigitImage pixels={pixels} width={28} height={28} label="uploaded image" /> : null}
        </div>
      )}
      <label className="label-choice">
        This is a{' '}
        <select
          value={label === undefined ? '' : String(label)}
          onChange={(e) => setLabel(e.target.value === '' ? undefined : Number(e.target.value))}
          aria-label="true label of your image"
        >
          <option value="">? (not set: use the model's prediction)</option>
          {classes.map((c, k) => (
            <option key={k} value={k}>
              {c}
            </option>
          ))}
        </select>{' '}
        (the attack moves the prediction away from it; until you set it, the model's own answer stands in)
      </label>
    </div>
  );
}

/** Reports the input to the parent whenever it changes (onInput is a state setter, so stable). */
function useStableInput(input: LabInput | undefined, onInput: (input: LabInput | undefined) => void) {
  useEffect(() => onInput(input), [input, onInput]);
}
