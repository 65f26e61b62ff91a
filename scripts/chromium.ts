/** Where the tests and benchmarks find Chromium, and the flags it needs on this kind of machine. */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** No sandbox (CI runs as root); no background traffic (the machine has no network but the registries). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-swiftshader',
];

export function chromiumMissingMessage(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return [
    `Chromium was not found at ${CHROMIUM_PATH}.`,
    "The end-to-end tests and browser benchmarks drive a real Chromium. Install Debian's:",
    '  sudo apt-get update && sudo apt-get install -y chromium',
    'or point CHROMIUM_PATH at another Chromium or Chrome executable.',
  ].join('\n');
}
