import { selectControlsOf, useLabControls } from './labControls';
import { selectLab, useSettings } from './settings';

/** What the open lab's spec says about one control: locked (shown, not editable) or hidden (absent from the page). */
export function useControl(key: string): { locked: boolean; hidden: boolean } {
  const lab = useSettings(selectLab);
  const controls = useLabControls(selectControlsOf(lab));
  return { locked: key in controls.locks, hidden: controls.hidden.includes(key) };
}

/** The open lab's locked and hidden keys, for a form that renders many controls (an attack's parameters). */
export function useControlLists(): { locked: string[]; hidden: string[] } {
  const lab = useSettings(selectLab);
  const controls = useLabControls(selectControlsOf(lab));
  return { locked: Object.keys(controls.locks), hidden: controls.hidden };
}

/** `useControl` for several keys at once: key -> { locked, hidden }. */
export function useControlMap<K extends string>(keys: readonly K[]): Record<K, { locked: boolean; hidden: boolean }> {
  const { locked, hidden } = useControlLists();
  return Object.fromEntries(keys.map((key) => [key, { locked: locked.includes(key), hidden: hidden.includes(key) }])) as Record<
    K,
    { locked: boolean; hidden: boolean }
  >;
}
