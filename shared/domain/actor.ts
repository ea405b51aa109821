// Who did something, and through which door: the timeline records it for every change.

/** Where a Studio's request came from: the Agyo portal ("Connessioni") or Lynfa Contabilità (STARTUPAGYO). */
export type Channel = 'portal' | 'lynfa';

export type StudioActor = { kind: 'studio'; studioId: string; channel: Channel };

export type Actor =
  | StudioActor
  /** Fatture in Cloud, through a webhook event. */
  | { kind: 'fic'; eventId: string }
  /** The company itself, e.g. pressing the confirmation button in the email. */
  | { kind: 'company' };

export function studioActor(studioId: string, channel: Channel): StudioActor {
  return { kind: 'studio', studioId, channel };
}
