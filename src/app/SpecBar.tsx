import { useState } from 'react';
import { downloadText } from '../components/download';
import { LockMark } from '../components/LockMark';
import { NumberField } from '../components/NumberField';
import { MAX_SPEC_FILE_BYTES, specFromFile } from '../core/spec/labSpec';
import { LAB_SPEC_LIST, LAB_SPECS, type LabId } from '../core/spec/labs';
import { LAB_VALIDATORS } from '../core/spec/validators';
import { announce } from '../stores/announcer';
import { selectControlsOf, selectDismissProblems, useLabControls } from '../stores/labControls';
import { selectSeed, selectSetSettings, useSettings } from '../stores/settings';
import { useControl } from '../stores/useControl';
import { applySpec, currentSpecFile } from './specSync';

/**
 * The lab's setup as a whole: share it (Copy link), keep it (Download setup), bring one back (Open setup), its seed,
 * and what a link or a file asked for that was refused.
 */
export function SpecBar({ lab }: { lab: LabId }) {
  const problems = useLabControls(selectControlsOf(lab)).problems;
  const dismiss = useLabControls(selectDismissProblems);
  const [copied, setCopied] = useState<string>();
  const [fileProblems, setFileProblems] = useState<string[]>([]);

  const copyLink = async () => {
    const link = location.href;
    setCopied(link);
    try {
      await navigator.clipboard.writeText(link);
      announce('Link copied: it opens this lab with this setup.');
    } catch {
      // No clipboard (permission, insecure page): the link is shown selected, for the user to copy.
      announce('The link is shown below; copy it from there.');
    }
  };
  const download = () => downloadText(`${lab}-lab-setup.json`, `${JSON.stringify(currentSpecFile(lab), null, 2)}\n`, 'application/json');
  const open = async (file: File | undefined) => {
    setFileProblems([]);
    if (!file) return;
    if (file.size > MAX_SPEC_FILE_BYTES) {
      setFileProblems([`${file.name} is ${file.size.toLocaleString('en-US')} bytes; a setup file is at most ${MAX_SPEC_FILE_BYTES.toLocaleString('en-US')}.`]);
      return;
    }
    const read = specFromFile(LAB_SPEC_LIST, LAB_VALIDATORS, await file.text());
    if (!read.ok) {
      setFileProblems(read.problems.map((p) => `${file.name}: ${p}`));
      announce(`The setup file was refused: ${read.problems[0]}`);
      return;
    }
    const target = read.def.lab as LabId;
    applySpec(target, read.spec, []);
    useSettings.getState().set({ lab: target });
    announce(`Setup opened: the ${target} lab as ${file.name} describes it.`);
  };

  return (
    <div className="spec-bar" aria-label="lab setup" role="group">
      <div className="spec-actions">
        {'seed' in LAB_SPECS[lab].fields && lab !== 'audit' ? <SeedField /> : null}
        <button type="button" onClick={() => void copyLink()} title="A link that opens this lab with this setup">
          Copy link
        </button>
        <button type="button" onClick={download} title="This lab's setup as a JSON file">
          Download setup
        </button>
        <label className="file-button" title="A setup file saved by Download setup">
          Open setup <input type="file" accept=".json,application/json" aria-label="open setup" onChange={(e) => void open(e.target.files?.[0])} />
        </label>
      </div>
      {copied ? (
        <p className="spec-link">
          <label>
            Link <input readOnly value={copied} data-testid="spec-link" size={60} onFocus={(e) => e.currentTarget.select()} />
          </label>
        </p>
      ) : null}
      {problems.length || fileProblems.length ? (
        <div className="spec-problems" role="status" data-testid="spec-problems">
          <p>{fileProblems.length ? 'This setup file was not opened:' : 'This link asked for settings the lab could not take:'}</p>
          <ul>
            {[...fileProblems, ...problems].map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => {
              setFileProblems([]);
              dismiss(lab);
            }}
          >
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}

function SeedField() {
  const seed = useSettings(selectSeed);
  const set = useSettings(selectSetSettings);
  const control = useControl('seed');
  if (control.hidden) return null;
  return (
    <label title="Every random choice of the lab (random digits, random starts, sampled queries) follows this seed.">
      Seed{control.locked ? <LockMark /> : null}{' '}
      <NumberField
        name="Seed"
        integer
        min={0}
        max={2 ** 31 - 1}
        value={seed}
        size={8}
        aria-label="seed"
        disabled={control.locked}
        onChange={(value) => set({ seed: value })}
      />
    </label>
  );
}
