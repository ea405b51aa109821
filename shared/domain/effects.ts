// What a rule asks the outside world to do once its new state is safely stored.
import type { Instant } from './instant.ts';

export type Effect =
  /**
   * Email, in Italian, to the company's Agyo address. The caller generated the random token whose
   * hash is `tokenHash` and puts the raw token in the link; the domain never sees the raw token.
   */
  | { kind: 'sendActivationEmail'; companyId: string; to: string; companyName: string; tokenHash: string; expiresAt: Instant }
  /** Ask FIC to show the company an in-app request to confirm the connection to the Studio. */
  | {
      kind: 'requestConnectionInFic';
      requestId: string;
      companyId: string;
      vatNumber: string;
      ficCompanyId?: string;
      studioId: string;
    };
