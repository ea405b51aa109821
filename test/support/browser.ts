/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). The flags keep it from
 * reaching for the network, which this machine does not have.
 */
import { chromium, type Browser } from 'playwright-core';

const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
}
