import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { useAuditLab } from './stores/auditLab';
import { useJobs } from './stores/jobs';
import { syncSpecWithHash } from './app/specSync';
import './app/app.css';

syncSpecWithHash();
// Finished results survive a reload (sessionStorage); a running job or an audit report (kept only in memory) does
// not, so leaving then asks first.
window.addEventListener('beforeunload', (event) => {
  if (useJobs.getState().jobs.length > 0 || useAuditLab.getState().reports.length > 0) event.preventDefault();
});
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
