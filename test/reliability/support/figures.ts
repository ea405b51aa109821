/**
 * The figures the reliability suite reports (events tried, duplicates injected, faults injected, inputs
 * generated, …). Test files run in separate processes, so each figure is appended to a file that the
 * global setup sums and prints at the end of the run.
 */
import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';

export type Figure =
  | 'eventsDelivered'
  | 'duplicatesInjected'
  | 'faultsInjected'
  | 'inputsGenerated'
  | 'raceOperations'
  | 'emailsChecked'
  | 'lost'
  | 'doubled'
  | 'serverErrors';

export const figures = {
  add(name: Figure, count: number): void {
    appendFileSync(inject('reliability').figuresFile, `${JSON.stringify({ name, count })}\n`);
  },
};
