// recorded.js says whether the session on screen is the build's recording
// (scripts/firstsession: one classic session run by this engine with the
// starter key when the site was built, shown until the engine in the page is
// ready) or one the engine ran in this page, and how to say so.

/** isRecorded says whether session is the build's recording (source 'recorded'), not one run in this page. */
export function isRecorded(session) {
  return Boolean(session && (session.source === 'recorded' || (session.recorded && session.source !== 'live')));
}

/** recordedAt formats the recording's date as "2026-11-30 08:54 UTC" (no locale formatting: ICU is slow to start). */
export function recordedAt(session) {
  const at = session && session.recorded && session.recorded.at;
  const d = new Date(at || NaN);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
