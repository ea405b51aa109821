/**
 * The crash test (`scripts/crash-test.ts`, also runnable alone: `npx tsx scripts/crash-test.ts`) in CI:
 * it starts a stack of its own, kills the function host in the middle of 500 events, restarts it, then
 * stops and restarts DynamoDB Local on its on-disk data. See the script for what it checks.
 */
import { describe, expect, it } from 'vitest';
import { runCrashTest } from '../../scripts/crash-test.ts';
import { figures } from './support/figures.ts';

describe('crash and restart', () => {
  it('a killed function host and a restarted DynamoDB Local lose no event and send no email twice beyond what the crash left unrecorded', async () => {
    const report = await runCrashTest({ log: () => undefined });

    expect(report.failures).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.doubled.length).toBeLessThanOrEqual(report.sentNotRecordedAtKill);
    expect(report.inFlightAtKill).toBeGreaterThan(0);
    expect(report.itemsChangedOrMissingAfterRestart).toBe(0);
    expect(report.deadLettered).toBe(0);
    figures.add('eventsDelivered', report.eventsDelivered);
    figures.add('duplicatesInjected', report.duplicatesInjected);
    figures.add('faultsInjected', 2);
    figures.add('emailsChecked', report.emailsOwed);
    figures.add('doubled', report.doubled.length);
    figures.add('lost', report.lost.length);
  }, 240_000);
});
