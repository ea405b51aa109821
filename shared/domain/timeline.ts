// The company's timeline: every change, and every event deliberately ignored, with who and when.
import type { Actor } from './actor.ts';
import type { Instant } from './instant.ts';

export type TimelineAction =
  | 'companyCreated'
  | 'connectionActivated'
  | 'connectionRequested'
  | 'connectionRejected'
  | 'serviceExtended'
  | 'ficActivationReceived'
  | 'ficActivationIgnored'
  | 'activationRequested'
  | 'activationResent'
  | 'activationConfirmed'
  | 'servicePayerChanged'
  | 'serviceActivated';

export type TimelineValue = string | number | boolean | null | TimelineValue[] | { [key: string]: TimelineValue };

export interface TimelineEntry {
  at: Instant;
  actor: Actor;
  action: TimelineAction;
  details: { [key: string]: TimelineValue };
}
