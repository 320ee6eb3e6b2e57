// chromium.mjs is what the benches share: Debian's Chromium's launch options
// (no background networking, as everywhere in tests/) and the summary of a
// series of timings.
import { chromium } from 'playwright-core';

export const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** launch starts Debian's Chromium (CHROMIUM overrides the path). */
export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: launchArgs });
}

/** stats summarises timings: n, median, p90, min, max. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { n: s.length, median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
}
