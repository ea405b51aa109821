// The production wiring of the use cases: DynamoDB repository, system clock, random tokens, public URL.
// The mailer (SES) and the connection-request publisher (SQS) are built by their own adapters and passed in.
import { systemClock } from '#shared/adapters/clock';
import { DynamoDbCompanyRepository } from '#shared/adapters/dynamodb/repository';
import { randomTokenIssuer } from '#shared/adapters/tokens';
import { dynamoDbClient } from '#shared/aws/clients';
import { config, required } from '#shared/config';
import type { UseCaseDependencies } from './common.ts';
import type { ConnectionRequestPublisher, Mailer } from './ports.ts';
import type { CompanyRepository } from './repository.ts';

export type { UseCaseDependencies } from './common.ts';

/**
 * Safe to call at module scope: the configuration is read and the repository built on first use,
 * inside an invocation, so a missing variable fails that invocation with its name rather than the import.
 */
export function makeUseCaseDependencies(ports: {
  mailer: Mailer;
  connectionRequests: ConnectionRequestPublisher;
}): UseCaseDependencies {
  let repository: CompanyRepository | undefined;
  return {
    get repository() {
      repository ??= new DynamoDbCompanyRepository(dynamoDbClient(), required('TABLE_NAME'));
      return repository;
    },
    clock: systemClock,
    tokens: randomTokenIssuer,
    get publicBaseUrl() {
      return config().PUBLIC_BASE_URL;
    },
    get emailLeaseSeconds() {
      return config().FIC_EMAIL_LEASE_SECONDS;
    },
    mailer: ports.mailer,
    connectionRequests: ports.connectionRequests,
  };
}
