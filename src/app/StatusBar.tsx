import { useControl } from '../stores/useControl';
import { BACKEND_PREFERENCE, type BackendName } from '../core/backend/names';
import { switchBackend } from '../bridge/compute';
import {
  selectAuditMemory,
  selectBackend,
  selectBackendDetail,
  selectMemory,
  selectProbes,
  selectWorkerError,
  selectWorkers,
  useRuntime,
} from '../stores/runtime';
import { useState } from 'react';
import { cancelJob } from '../bridge/jobs';
import { selectJobs, selectNotices, useJobs } from '../stores/jobs';
import { selectBackendPreference, selectLab, selectSetSettings, selectZoom, useSettings } from '../stores/settings';
import { formatBytes } from '../core/format';

/** Backend in use (and a switch), tensors and bytes held by the worker, and any worker error. */
export function StatusBar() {
  // A lab's spec may lock or hide the app's own controls too (hide=backend for a workshop).
  const backendControl = useControl('backend');
  const backend = useRuntime(selectBackend);
  const detail = useRuntime(selectBackendDetail);
  const probes = useRuntime(selectProbes);
  const memory = useRuntime(selectMemory);
  const error = useRuntime(selectWorkerError);
  const preference = useSettings(selectBackendPreference);
  const lab = useSettings(selectLab);
  const auditMemory = useRuntime(selectAuditMemory);
  const jobs = useJobs(selectJobs);
  const [switchPending, setSwitchPending] = useState(false);
  const workers = useRuntime(selectWorkers);
  if (lab === 'text') {
    // The text lab has a worker of its own (the spam model and its tables): the compute worker's backend is not its.
    const text = workers.text;
    return (
      <footer className="status" aria-label="status bar">
        <span data-testid="backend">
          text worker: <strong>{text?.backend ?? 'starts with the first score'}</strong>
        </span>
        <span data-testid="memory">{text ? `${text.numTensors} tensors, ${formatBytes(text.numBytes, 'KiB')}` : 'no tensors yet'}</span>
        <JobTray />
      </footer>
    );
  }
  if (lab === 'audit') {
    // The audit runs in a worker of its own, always on wasm, so that its numbers match the command line's.
    return (
      <footer className="status" aria-label="status bar">
        <span data-testid="backend">
          audit worker: <strong>{auditMemory?.backend ?? 'starts with the first model'}</strong> (the backend of <code>npm run audit</code>, so the numbers
          match)
        </span>
        <span data-testid="memory">{auditMemory ? `${auditMemory.numTensors} tensors, ${formatBytes(auditMemory.numBytes, 'KiB')}` : 'no tensors yet'}</span>
        {error ? (
          <span className="error" role="alert">
            {error} Reload the page.
          </span>
        ) : null}
        <PresentationToggle />
        <JobTray />
      </footer>
    );
  }
  const probeSummary = probes.map((p) => `${p.name}: ${p.ok ? `${p.millis?.toFixed(1)} ms` : `unavailable (${p.error})`}`).join('\n');
  return (
    <footer className="status" aria-label="status bar">
      <label hidden={backendControl.hidden}>
        Backend{' '}
        <select
          value={preference}
          disabled={backendControl.locked}
          onChange={(e) => {
            // A switch waits for the compute worker's running job: say so rather than seem to ignore it.
            setSwitchPending(jobs.some((j) => j.lab === 'image' && j.state !== 'queued'));
            void switchBackend(e.target.value as BackendName | 'auto')
              .catch(() => undefined)
              .finally(() => setSwitchPending(false));
          }}
          aria-label="backend"
        >
          <option value="auto">auto (fastest)</option>
          {BACKEND_PREFERENCE.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <span data-testid="backend" title={probeSummary || undefined}>
        in use: <strong>{backend ?? 'starting…'}</strong>
        {detail ? ` (${detail})` : ''}
      </span>
      <span data-testid="memory">{memory ? `${memory.numTensors} tensors, ${formatBytes(memory.numBytes, 'KiB')}` : 'no tensors yet'}</span>
      {lab === 'extraction'
        ? (['oracle', 'attacker'] as const).map((name) =>
            workers[name] ? (
              <span key={name} data-testid={`${name}-memory`}>
                {name} worker: {workers[name].numTensors} tensors, {formatBytes(workers[name].numBytes, 'KiB')}
              </span>
            ) : null,
          )
        : null}
      {switchPending ? (
        <span className="note" role="status" data-testid="backend-pending">
          The switch to {preference} applies when the running job ends.
        </span>
      ) : null}
      {error ? (
        <span className="error" role="alert">
          {error} Choose another backend or reload the page.
        </span>
      ) : null}
      <PresentationToggle />
      <JobTray />
    </footer>
  );
}

/** The text size for a projector: at 140% the 13 px small print reads at 18 px. */
const PRESENTATION_ZOOM = 140;

/** Larger text for a room or a projector, kept in the link (the URL's "zoom"). */
function PresentationToggle() {
  const zoom = useSettings(selectZoom);
  const set = useSettings(selectSetSettings);
  const control = useControl('zoom');
  if (control.hidden) return null;
  return (
    <label title="Larger text for a projector; the link keeps it">
      <input type="checkbox" checked={zoom > 100} disabled={control.locked} onChange={(e) => set({ zoom: e.target.checked ? PRESENTATION_ZOOM : 100 })} />{' '}
      Presentation
    </label>
  );
}

/**
 * Every queued or running long job of every lab, with its progress and a cancel: none runs out of sight. Above them,
 * what happened to a worker (a crash), until dismissed.
 */
function JobTray() {
  const jobs = useJobs(selectJobs);
  const notices = useJobs(selectNotices);
  const dismiss = useJobs((s) => s.dismiss);
  const lab = useSettings(selectLab);
  const set = useSettings(selectSetSettings);
  if (jobs.length === 0 && notices.length === 0) return null;
  return (
    <div className="job-tray" role="region" aria-label="jobs">
      {notices.map((notice) => (
        <span key={notice.id} className="job-notice error" role="alert" data-testid="job-notice">
          {notice.text}{' '}
          <button type="button" onClick={() => dismiss(notice.id)} aria-label="dismiss the notice">
            Dismiss
          </button>
        </span>
      ))}
      {jobs.map((job) => (
        <span key={job.id} className="job" data-testid="job">
          {job.lab !== lab ? (
            <button type="button" className="link" onClick={() => set({ lab: job.lab })} title="Go to its lab">
              {job.title}
            </button>
          ) : (
            <span>{job.title}</span>
          )}{' '}
          <span className="muted">{job.state === 'queued' ? 'queued' : job.state === 'cancelling' ? 'cancelling…' : `${Math.round(job.fraction * 100)}%`}</span>{' '}
          <button type="button" onClick={() => cancelJob(job.id)} disabled={job.state === 'cancelling'} aria-label={`cancel ${job.title}`}>
            Cancel
          </button>
        </span>
      ))}
    </div>
  );
}
