import { lockedValues } from '../../stores/labControls';
import { useState } from 'react';
import { ErrorBoundary, FaultPoint } from '../../components/ErrorBoundary';
import { useFieldErrors } from '../../stores/fieldErrors';
import { compute } from '../../bridge/compute';
import { useJob } from '../../bridge/useJob';
import type { ProgressOf } from '../../rpc/protocol';
import { DigitImage } from '../../components/DigitImage';
import { downloadBytes } from '../../components/download';
import { encodePng } from '../../core/audit/png';
import { PerturbationImage } from '../../components/PerturbationImage';
import { useRunFocus } from '../../components/useRunFocus';
import { announce } from '../../stores/announcer';
import { ProbabilityBars } from '../../components/ProbabilityBars';
import { decodeParams, encodeParams } from '../../core/attacks/paramCodec';
import { ATTACK_METAS, getAttackMeta } from '../../core/attacks/catalog';
import type { AttackParams } from '../../core/attacks/types';
import { selectImageLabSingle, selectSetSingle, useImageLab } from '../../stores/imageLab';
import { selectAttackId, selectAttackParams, selectSeed, selectSetSettings, useSettings } from '../../stores/settings';
import type { AttackFrame, ModelRef, ModelWorkerApi, SingleAttackResult } from '../../workers/modelApi';
import { AttackPicker } from './AttackPicker';
import type { LabInput } from './InputPicker';
import { formatPercent, formatSeconds } from '../../core/format';

const toBytes = (values: Float32Array) => Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));

/** Choose an attack and its parameters, run it on the input, watch it iterate, stop it, see the outcome. */
export function SingleAttackPanel({ model, input }: { model: ModelRef; input: LabInput | undefined }) {
  const attackId = useSettings(selectAttackId);
  const encoded = useSettings(selectAttackParams);
  const seed = useSettings(selectSeed);
  const set = useSettings(selectSetSettings);
  const fields = useFieldErrors('image-single');
  const attack = ATTACK_METAS.find((a) => a.id === attackId) ?? getAttackMeta('fgsm');
  const params = decodeParams(attack.params, encoded);
  const [target, setTarget] = useState(0);
  const job = useJob<SingleAttackResult, ProgressOf<ModelWorkerApi, 'attack'>>('image-single');
  const running = job.running;
  const [frame, setFrame] = useState<AttackFrame>();
  const error = job.error;
  const focus = useRunFocus(running);
  const single = useImageLab(selectImageLabSingle);
  const setSingle = useImageLab(selectSetSingle);
  const targeted = attack.targeted === 'always' || (attack.targeted === 'optional' && params.targeted === true);
  // The target can never be the image's own label: the next class stands in until the user picks one.
  const chosenTarget = input && target === input.label ? (target + 1) % model.card.classes.length : target;

  const setup = input ? `${model.id}|${attack.id}|${encoded}|${input.label}|${targeted ? chosenTarget : ''}` : '';
  const run = () => {
    if (!input || input.label === undefined || fields.invalid) return;
    const label = input.label;
    const labelSource = input.labelSource;
    setFrame(undefined);
    const pixels = Float32Array.from(input.pixels, (v) => v / 255);
    const args = {
      model,
      attackId: attack.id,
      params,
      pixels,
      label,
      target: targeted ? chosenTarget : undefined,
      seed,
      animate: true,
      locks: lockedValues('image'),
    };
    void job
      .start(
        { lab: 'image', title: `${attack.name} on one image` },
        // Interactive: it runs alongside a sweep (the worker interleaves their steps) rather than behind it.
        (options) => compute.call('attack', args, { ...options, priority: 'interactive' }),
        { onProgress: (p) => p.frame && setFrame(p.frame) },
      )
      .then((end) => {
        setFrame(undefined);
        if (end.ok) {
          setSingle({ ...end.result, attackId: attack.id, input: pixels, setup, labelSource });
          announce(verdict(attack.name, end.result.result, model.card.classes));
        } else announce(end.cancelled ? `${attack.name} stopped.` : `${attack.name} failed: ${end.error}`);
      });
  };

  const setParams = (next: AttackParams) => set({ params: encodeParams(attack.params, next) });
  const shown = running && frame ? frame : undefined;
  const result = single && !running ? single : undefined;
  // A result belongs to the input and setup that produced it: anything else changed, and it is marked stale.
  const stale = !!result && (!input || result.setup !== setup || !samePixels(result.input, input.pixels));
  const classes = model.card.classes;

  return (
    <div className="single-attack">
      <AttackPicker attack={attack} params={params} onAttack={(id) => set({ attack: id, params: '' })} onParams={setParams} report={fields.report} />
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
        <button ref={focus.run} type="button" className="primary" onClick={run} disabled={running || !input || input.label === undefined || fields.invalid}>
          Run {attack.name}
        </button>
        {running ? (
          <button ref={focus.stop} type="button" onClick={job.cancel}>
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
          {stale ? (
            <p className="note stale-note" role="status" data-testid="stale-outcome">
              This outcome is for an earlier input or setting, not for what is chosen now: run the attack again to update it.
            </p>
          ) : null}
          <div className={stale ? 'stale' : undefined}>
            <AttackOutcome result={result} classes={classes} />
          </div>
        </ErrorBoundary>
      ) : null}
    </div>
  );
}

/** True when a result's input (pixels in [0, 1]) is the image now chosen (bytes). */
function samePixels(values: Float32Array, bytes: Uint8Array): boolean {
  if (values.length !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (Math.abs(values[i] * 255 - bytes[i]) > 1e-3) return false;
  return true;
}

/** The verdict in words, judged against the label the attack was given (true, user's, or the model's first answer). */
function verdict(attackName: string, r: SingleAttackResult['result'], classes: string[]): string {
  const name = (k: number) => classes[k];
  if (r.target !== undefined) {
    return r.success
      ? `${attackName} reached the target: the model now says ${name(r.adversarialLabel)}.`
      : `${attackName} did not reach the target ${name(r.target)}: the model says ${name(r.adversarialLabel)}.`;
  }
  if (r.originalLabel !== r.trueLabel) {
    return `The model was already wrong before the attack (it read ${name(r.originalLabel)} for a ${name(r.trueLabel)}); after ${attackName} it reads ${name(r.adversarialLabel)}.`;
  }
  return r.success
    ? `${attackName} fooled the model: ${name(r.originalLabel)} → ${name(r.adversarialLabel)}.`
    : `${attackName} did not fool the model: it still says ${name(r.adversarialLabel)}.`;
}

function AttackOutcome({ result, classes }: { result: NonNullable<ReturnType<typeof selectImageLabSingle>>; classes: string[] }) {
  const r = result.result;
  const delta = Float32Array.from(result.adversarial.pixels, (v, i) => v - result.input[i]);
  const attackName = getAttackMeta(result.attackId).name;
  const adversarialBytes = toBytes(result.adversarial.pixels);
  const fileStem = `adversarial-${result.attackId}-${classes[r.originalLabel]}-to-${classes[r.adversarialLabel]}`;
  return (
    <div className="outcome" data-testid="attack-outcome">
      <p className={r.success ? 'verdict success' : 'verdict failure'} data-testid="attack-verdict">
        {verdict(attackName, r, classes)}
        {result.labelSource === 'model' ? (
          <span className="muted"> (judged against the model&apos;s own first answer, {classes[r.trueLabel]}: no true label was given)</span>
        ) : null}
      </p>
      <div className="attack-views">
        <figure>
          <DigitImage pixels={toBytes(result.input)} width={28} height={28} size={128} label="original" />
          <figcaption>
            original: <strong data-testid="original-label">{classes[r.originalLabel]}</strong> ({formatPercent(r.originalConfidence)})
          </figcaption>
        </figure>
        <figure>
          <DigitImage pixels={toBytes(result.adversarial.pixels)} width={28} height={28} size={128} label="adversarial" />
          <figcaption>
            adversarial: <strong data-testid="adversarial-label">{classes[r.adversarialLabel]}</strong> ({formatPercent(r.adversarialConfidence)})
          </figcaption>
        </figure>
        <PerturbationImage delta={delta} width={28} height={28} size={128} />
      </div>
      <div className="bars-pair">
        <div>
          <h3>Original</h3>
          <ProbabilityBars probabilities={result.original.probabilities} classes={classes} trueClass={r.trueLabel} />
        </div>
        <div>
          <h3>Adversarial</h3>
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
        <dd>{formatSeconds(result.seconds, 2)}</dd>
      </dl>
      <p className="run-row">
        Download the adversarial image:{' '}
        <button type="button" onClick={() => downloadBytes(`${fileStem}.png`, encodePng(adversarialBytes, 28, 28, 1), 'image/png')}>
          PNG
        </button>{' '}
        <button
          type="button"
          onClick={() => downloadBytes(`${fileStem}-28x28x1.u8`, adversarialBytes, 'application/octet-stream')}
          title="784 bytes, row-major, pixel value x 255"
        >
          raw uint8
        </button>
      </p>
    </div>
  );
}
