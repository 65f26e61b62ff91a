import { useRef, useState } from 'react';
import { ErrorBoundary, FaultPoint } from '../../components/ErrorBoundary';
import { compute } from '../../bridge/compute';
import { DigitImage } from '../../components/DigitImage';
import { PerturbationImage } from '../../components/PerturbationImage';
import { ProbabilityBars } from '../../components/ProbabilityBars';
import { decodeParams, encodeParams } from '../../core/attacks/paramCodec';
import { ATTACK_METAS, getAttackMeta } from '../../core/attacks/catalog';
import type { AttackParams } from '../../core/attacks/types';
import { selectImageLabSingle, selectSetSingle, useImageLab } from '../../stores/imageLab';
import {
  selectAttackId,
  selectAttackParams,
  selectSeed,
  selectSetSettings,
  useSettings,
} from '../../stores/settings';
import type { AttackFrame, ModelRef } from '../../workers/protocol';
import { AttackPicker } from './AttackPicker';
import type { LabInput } from './InputPicker';

const toBytes = (values: Float32Array) => Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));

/** Choose an attack and its parameters, run it on the input, watch it iterate, stop it, see the outcome. */
export function SingleAttackPanel({ model, input }: { model: ModelRef; input: LabInput | undefined }) {
  const attackId = useSettings(selectAttackId);
  const encoded = useSettings(selectAttackParams);
  const seed = useSettings(selectSeed);
  const set = useSettings(selectSetSettings);
  const attack = ATTACK_METAS.find((a) => a.id === attackId) ?? getAttackMeta('fgsm');
  const params = decodeParams(attack.params, encoded);
  const [target, setTarget] = useState(0);
  const [running, setRunning] = useState(false);
  const [frame, setFrame] = useState<AttackFrame>();
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);
  const single = useImageLab(selectImageLabSingle);
  const setSingle = useImageLab(selectSetSingle);
  const targeted = attack.targeted === 'always' || (attack.targeted === 'optional' && params.targeted === true);
  // The target can never be the image's own label: the next class stands in until the user picks one.
  const chosenTarget = input && target === input.label ? (target + 1) % model.card.classes.length : target;

  const run = () => {
    if (!input) return;
    abort.current = new AbortController();
    setRunning(true);
    setError(undefined);
    setFrame(undefined);
    const pixels = Float32Array.from(input.pixels, (v) => v / 255);
    compute
      .call(
        'attack',
        { model, attackId: attack.id, params, pixels, label: input.label, target: targeted ? chosenTarget : undefined, seed, animate: true },
        { signal: abort.current.signal, onProgress: (p) => p.frame && setFrame(p.frame) },
      )
      .then(
        (result) => setSingle({ ...result, attackId: attack.id, input: pixels }),
        (e: Error) => setError(e.name === 'AbortError' ? undefined : e.message),
      )
      .finally(() => {
        setRunning(false);
        setFrame(undefined);
      });
  };

  const setParams = (next: AttackParams) => set({ params: encodeParams(attack.params, next) });
  const shown = running && frame ? frame : undefined;
  const result = single && !running ? single : undefined;
  const classes = model.card.classes;

  return (
    <div className="single-attack">
      <AttackPicker attack={attack} params={params} onAttack={(id) => set({ attack: id, params: '' })} onParams={setParams} />
      <div className="run-row">
        {targeted ? (
          <label>
            Target class{' '}
            <select value={chosenTarget} onChange={(e) => setTarget(Number(e.target.value))} aria-label="target class">
              {classes.map((c, k) => (
                <option key={k} value={k} disabled={k === input?.label}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <button type="button" className="primary" onClick={run} disabled={running || !input}>
          Run {attack.name}
        </button>
        {running ? (
          <button type="button" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : null}
        {running ? <span className="progress-text">{frame ? `step ${frame.step}` : 'running…'}</span> : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {shown && input ? (
        <div className="attack-views">
          <figure>
            <DigitImage pixels={toBytes(shown.pixels)} width={input.width} height={input.height} label="adversarial (in progress)" />
            <figcaption>step {shown.step}</figcaption>
          </figure>
          <ProbabilityBars probabilities={shown.probabilities} classes={classes} trueClass={input.label} />
        </div>
      ) : null}
      {result ? (
        <ErrorBoundary name="The attack outcome" onReset={() => setSingle(undefined)} resetLabel="Clear the outcome">
          <FaultPoint where="attack-outcome" />
          <AttackOutcome result={result} classes={classes} />
        </ErrorBoundary>
      ) : null}
    </div>
  );
}

function AttackOutcome({ result, classes }: { result: NonNullable<ReturnType<typeof selectImageLabSingle>>; classes: string[] }) {
  const r = result.result;
  const delta = Float32Array.from(result.adversarial.pixels, (v, i) => v - result.input[i]);
  const attackName = getAttackMeta(result.attackId).name;
  return (
    <div className="outcome" data-testid="attack-outcome">
      <p className={r.success ? 'verdict success' : 'verdict failure'} data-testid="attack-verdict">
        {r.success
          ? `${attackName} fooled the model: ${classes[r.originalLabel]} → ${classes[r.adversarialLabel]}.`
          : `${attackName} did not fool the model: it still says ${classes[r.adversarialLabel]}.`}
      </p>
      <div className="attack-views">
        <figure>
          <DigitImage pixels={toBytes(result.input)} width={28} height={28} size={128} label="original" />
          <figcaption>
            original: <strong data-testid="original-label">{classes[r.originalLabel]}</strong> ({(r.originalConfidence * 100).toFixed(1)}%)
          </figcaption>
        </figure>
        <figure>
          <DigitImage pixels={toBytes(result.adversarial.pixels)} width={28} height={28} size={128} label="adversarial" />
          <figcaption>
            adversarial: <strong data-testid="adversarial-label">{classes[r.adversarialLabel]}</strong> ({(r.adversarialConfidence * 100).toFixed(1)}%)
          </figcaption>
        </figure>
        <PerturbationImage delta={delta} width={28} height={28} size={128} />
      </div>
      <div className="bars-pair">
        <div>
          <h4>Original</h4>
          <ProbabilityBars probabilities={result.original.probabilities} classes={classes} trueClass={r.trueLabel} />
        </div>
        <div>
          <h4>Adversarial</h4>
          <ProbabilityBars probabilities={result.adversarial.probabilities} classes={classes} trueClass={r.trueLabel} />
        </div>
      </div>
      <dl className="facts outcome-facts">
        <dt>L∞</dt>
        <dd data-testid="linf">{r.linf.toFixed(4)}</dd>
        <dt>L2</dt>
        <dd>{r.l2.toFixed(4)}</dd>
        <dt>L0</dt>
        <dd>{r.l0} pixels</dd>
        <dt>Steps</dt>
        <dd>{r.steps}</dd>
        {r.queries !== undefined ? (
          <>
            <dt>Queries</dt>
            <dd>{r.queries}</dd>
          </>
        ) : null}
        <dt>Time</dt>
        <dd>{result.seconds.toFixed(2)} s</dd>
      </dl>
    </div>
  );
}
