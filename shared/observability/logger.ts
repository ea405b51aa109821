/**
 * The one logger: Powertools' structured JSON logger. Personal data (emails, VAT numbers) and
 * secrets (tokens, JWTs) are masked before anything is written.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { config } from '#shared/config';

export const logger = new Logger({
  serviceName: 'agyo-fic-onboarding',
  logLevel: config().LOG_LEVEL,
  persistentKeys: { stage: config().STAGE },
});
