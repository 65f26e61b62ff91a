/**
 * The open lab's spec <-> the URL hash, both ways: "#lab=image&n=50&lock=eps:0.3&hide=seed" opens the image lab with
 * 50 test digits, ε locked at 0.3 and the seed hidden. Defaults are left out of the hash, so links stay short. A lab
 * switch is a new history entry (Back returns to the previous lab); other edits replace the entry.
 */
import { specHashEntries, parseSpecHash, specToFile, type LabSpec, type LabSpecDef, type LabSpecFile, type SpecValue } from '../core/spec/labSpec';
import { LAB_SPECS, type LabId } from '../core/spec/labs';
import { LAB_VALIDATORS } from '../core/spec/validators';
import { setupFromValues, valuesFromSetup, type ExtractionSpecValues } from '../core/spec/extractionSpec';
import { setupFromTextValues, valuesFromTextSetup, type TextSpecValues } from '../core/spec/textSpec';
import { useExtractionLab } from '../stores/extractionLab';
import { useTextLab } from '../stores/textLab';
import { useLabControls } from '../stores/labControls';
import { appSchema, useSettings, type Settings } from '../stores/settings';
import { formatHashEntries, parseHash } from '../stores/hashState';

/** Where a lab's control values live, read and written as plain values. */
interface LabBinding {
  read(): Record<string, SpecValue>;
  write(values: Record<string, SpecValue>): void;
}

/** Labs whose controls all live in the settings store. */
function settingsBinding(def: LabSpecDef): LabBinding {
  return {
    read: () => {
      const state = useSettings.getState() as unknown as Record<string, SpecValue>;
      return Object.fromEntries(Object.keys(def.fields).map((key) => [key, state[key]]));
    },
    write: (values) => useSettings.setState(values as Partial<Settings>),
  };
}

/** The extraction lab: victim and seed are the app's model and seed; the rest is the catalog setup in its store. */
const extractionBinding: LabBinding = {
  read: () => {
    const { model, seed } = useSettings.getState();
    return valuesFromSetup(useExtractionLab.getState().setup, model, seed);
  },
  write: (values) => {
    const typed = values as ExtractionSpecValues;
    useSettings.setState({ model: typed.model, seed: typed.seed });
    useExtractionLab.getState().setSetup({ ...setupFromValues(typed), victimId: undefined, seed: undefined });
  },
};

/** The text lab: its view and form (recipe, defense, good words) in its own store. */
const textBinding: LabBinding = {
  read: () => {
    const { view, form } = useTextLab.getState();
    return valuesFromTextSetup({ view, ...form });
  },
  write: (values) => {
    const { view, recipe, setting, goodWordSource } = setupFromTextValues(values as TextSpecValues);
    useTextLab.setState({ view, form: { recipe, setting, goodWordSource } });
  },
};

const BINDINGS: Record<LabId, LabBinding> = {
  image: settingsBinding(LAB_SPECS.image),
  text: textBinding,
  extraction: extractionBinding,
  audit: settingsBinding(LAB_SPECS.audit),
};

/**
 * Puts every locked control of a lab back to its locked value if anything moved it (the forms disable locked
 * controls, but a page's DOM can be edited): locks hold in the stores, whatever wrote to them.
 */
function holdLocks(lab: LabId): void {
  const def = LAB_SPECS[lab] as LabSpecDef;
  const locks = useLabControls.getState().byLab[lab]?.locks ?? {};
  // The app's own controls (backend, text size) a spec locked.
  const app = useSettings.getState() as unknown as Record<string, SpecValue>;
  const appLocked = Object.fromEntries(Object.entries(locks).filter(([key, value]) => key in appSchema && key !== 'lab' && app[key] !== value));
  if (Object.keys(appLocked).length) useSettings.setState(appLocked as Partial<Settings>);
  const before = BINDINGS[lab].read();
  let values = before;
  for (const [key, locked] of Object.entries(locks)) {
    if (key in def.fields) {
      if (values[key] !== locked) values = { ...values, [key]: locked };
    } else if (def.extraValue && def.withExtraValue) {
      const current = def.extraValue(values as never, key);
      if (current !== undefined && current !== locked) values = def.withExtraValue(values as never, key, locked) as Record<string, SpecValue>;
    }
  }
  if (values !== before) BINDINGS[lab].write(values);
}

/** The spec of a lab as it stands: its values, locks and hidden controls. */
export function currentSpec(lab: LabId): LabSpec {
  const { locks, hidden } = useLabControls.getState().byLab[lab] ?? { locks: {}, hidden: [] };
  return { lab, values: BINDINGS[lab].read(), locks, hidden };
}

/** The setup file of the open lab (Download setup). */
export function currentSpecFile(lab: LabId): LabSpecFile {
  return specToFile(LAB_SPECS[lab] as LabSpecDef, currentSpec(lab));
}

/** Applies a settled spec to a lab: its locks and hidden controls first (so writes respect them), then its values. */
export function applySpec(lab: LabId, spec: LabSpec, problems: string[]): void {
  useLabControls.getState().setControls(lab, { locks: spec.locks, hidden: spec.hidden, problems });
  BINDINGS[lab].write(spec.values);
}

/** The hash of the open lab: the app's controls that differ from their defaults, then the lab's spec. */
export function hashOf(lab: LabId): string {
  const { backend, zoom } = useSettings.getState();
  const entries: [string, string][] = [['lab', lab]];
  if (backend !== appSchema.backend.fallback) entries.push(['backend', backend]);
  if (zoom !== appSchema.zoom.fallback) entries.push(['zoom', String(zoom)]);
  entries.push(...specHashEntries(LAB_SPECS[lab] as LabSpecDef, currentSpec(lab)));
  return formatHashEntries(entries);
}

/** Reads the hash into the app's controls and the open lab's spec. */
export function readHash(hash: string): void {
  const app = parseHash(hash, appSchema);
  useSettings.setState(app);
  const parsed = parseSpecHash(LAB_SPECS[app.lab] as LabSpecDef, LAB_VALIDATORS[app.lab], hash, Object.keys(appSchema));
  applySpec(app.lab, parsed.spec, parsed.problems);
}

/** Keeps the hash and the open lab's spec in step, both ways. Call once at start-up. */
export function syncSpecWithHash(): () => void {
  let reading = true;
  readHash(location.hash);
  reading = false;
  let lab = useSettings.getState().lab;
  const write = () => {
    // While a hash is being read, the stores pass through mixed states: the hash is written once, after.
    if (reading) return;
    const now = useSettings.getState().lab;
    holdLocks(now);
    const hash = hashOf(now);
    if (hash === location.hash) return;
    if (now !== lab) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
    lab = now;
  };
  write();
  // Every store a binding reads, once each: a change anywhere rewrites the hash (when it differs) and re-applies locks.
  const unsubscribers = [useSettings, useLabControls, useExtractionLab, useTextLab].map((store) => store.subscribe(write));
  const onHashChange = () => {
    reading = true;
    try {
      readHash(location.hash);
    } finally {
      reading = false;
    }
    // Back/forward landed here: this entry is rewritten in place (normalised), never a new one.
    lab = useSettings.getState().lab;
    write();
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribers.forEach((u) => u());
    window.removeEventListener('hashchange', onHashChange);
  };
}
