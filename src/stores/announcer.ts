import { create } from 'zustand';

/** The latest result to read out to screen-reader users (a polite live region in the shell shows it). */
interface AnnouncerStore {
  message: string;
  /** Bumped on every announcement, so the same words said twice are read twice. */
  count: number;
}

export const useAnnouncer = create<AnnouncerStore>(() => ({ message: '', count: 0 }));

export const selectAnnouncement = (s: AnnouncerStore) => s.message;
export const selectAnnouncementCount = (s: AnnouncerStore) => s.count;

/** Says a result out loud (politely: after what the user is reading). */
export function announce(message: string): void {
  useAnnouncer.setState((s) => ({ message, count: s.count + 1 }));
}
