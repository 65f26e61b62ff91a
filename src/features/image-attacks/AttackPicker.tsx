import { LockMark } from '../../components/LockMark';
import { ParamForm } from '../../components/ParamForm';
import { useControl, useControlLists } from '../../stores/useControl';
import { ATTACK_METAS } from '../../core/attacks/catalog';
import type { AttackMeta, AttackParams } from '../../core/attacks/types';

const KNOWLEDGE_TEXT = { 'white-box': 'white-box (gradients)', 'score-based': 'black-box (scores only)', 'decision-based': 'black-box (label only)' };
export const normText = (norm: string) => (norm === 'inf' ? 'L∞' : norm === 'param' ? 'L∞ or L2' : `L${norm}`);

/** The attack's card: where it comes from, what it assumes, what it bounds. */
export function AttackDescription({ attack: meta }: { attack: AttackMeta }) {
  return (
    <div className="attack-description">
      <p>{meta.threatModel}</p>
      <p className="meta-line">
        <span className={`badge ${meta.knowledge}`}>{KNOWLEDGE_TEXT[meta.knowledge]}</span>
        <span className="badge">{normText(meta.norm)}</span>
        <span className="badge">{meta.targeted === 'always' ? 'targeted' : meta.targeted === 'never' ? 'untargeted' : 'targeted or not'}</span>
        <cite>
          {meta.paper.authors}, “{meta.paper.title}”, {meta.paper.venue} {meta.paper.year}
        </cite>
      </p>
    </div>
  );
}

interface AttackPickerProps {
  attack: AttackMeta;
  params: AttackParams;
  onAttack(id: string): void;
  onParams(params: AttackParams): void;
  report?: (key: string) => (error: string | undefined) => void;
}

export function AttackPicker({ attack, params, onAttack, onParams, report }: AttackPickerProps) {
  const control = useControl('attack');
  const lists = useControlLists();
  return (
    <div className="attack-picker">
      {control.hidden ? null : (
        <label>
          Attack{control.locked ? <LockMark /> : null}{' '}
          <select value={attack.id} disabled={control.locked} onChange={(e) => onAttack(e.target.value)} aria-label="attack">
            {(['white-box', 'score-based', 'decision-based'] as const).map((knowledge) => (
              <optgroup key={knowledge} label={KNOWLEDGE_TEXT[knowledge]}>
                {ATTACK_METAS.filter((a) => a.knowledge === knowledge).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
      )}
      <AttackDescription attack={attack} />
      <ParamForm
        specs={attack.params.filter((p) => p.key !== 'batch_size')}
        values={params}
        onChange={onParams}
        hidden={lists.hidden}
        locked={lists.locked}
        idPrefix={`single-${attack.id}`}
        report={report}
      />
    </div>
  );
}
