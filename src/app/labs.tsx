/**
 * The lab registry: one entry per lab (its spec is in src/core/spec/labs.ts under the same id). The tabs, the page,
 * the side panel, the status bar's worker and "Reset this lab" all come from here.
 */
import type { ComponentType } from 'react';
import { ModelCardView } from '../components/ModelCardView';
import type { LabId } from '../core/spec/labs';
import { AuditLab } from '../features/audit/AuditLab';
import { ExtractionLab } from '../features/extraction/ExtractionLab';
import { ImageAttackLab } from '../features/image-attacks/ImageAttackLab';
import { TextAttackLab } from '../features/text-attacks/TextAttackLab';
import { useAuditLab } from '../stores/auditLab';
import { useExtractionLab } from '../stores/extractionLab';
import { useImageLab } from '../stores/imageLab';
import { TEXT_MODELS } from '../stores/models';
import { useTextLab } from '../stores/textLab';
import { AuditHelp } from './AuditHelp';
import { ModelPicker } from './ModelPicker';

export interface LabEntry {
  title: string;
  Page: ComponentType;
  /** The side panel: its folded title and its content. */
  side: { summary: string; Content: ComponentType };
  /** What "Reset this lab" forgets after a render error: the lab's results of this session (its setup is in the URL). */
  reset(): void;
}

function TextModelCard() {
  return TEXT_MODELS[0] ? <ModelCardView card={TEXT_MODELS[0].card} /> : null;
}

export const LAB_REGISTRY: Record<LabId, LabEntry> = {
  image: {
    title: 'Image attacks',
    Page: ImageAttackLab,
    side: { summary: 'Model and model card', Content: ModelPicker },
    reset: () => useImageLab.getState().reset(),
  },
  text: {
    title: 'Text attacks',
    Page: TextAttackLab,
    side: { summary: 'Model card', Content: TextModelCard },
    reset: () => useTextLab.setState({ result: undefined, batch: undefined }),
  },
  extraction: {
    title: 'Model extraction',
    Page: ExtractionLab,
    side: { summary: 'Model and model card', Content: ModelPicker },
    reset: () => useExtractionLab.getState().clear(),
  },
  audit: {
    title: 'Your model',
    Page: AuditLab,
    side: { summary: 'What the audit runs', Content: AuditHelp },
    reset: () => useAuditLab.setState({ reports: [], shown: undefined, compareWith: undefined }),
  },
};
