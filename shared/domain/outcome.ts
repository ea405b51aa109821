// What every rule returns: the new state, what to write on the timeline, and what to do afterwards.
import type { Company } from './company.ts';
import type { Connection } from './connection.ts';
import type { Effect } from './effects.ts';
import type { TimelineEntry } from './timeline.ts';

interface Outcome {
  /**
   * False when the state is exactly the input (duplicate, no-op, ignored event): the repository then
   * writes nothing but the timeline entries, if any.
   */
  changed: boolean;
  timeline: TimelineEntry[];
  effects: Effect[];
}

export interface CompanyOutcome extends Outcome {
  company: Company;
}

export interface ConnectionOutcome extends Outcome {
  connection: Connection;
}
