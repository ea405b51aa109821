/**
 * The production wiring, in one place: the use cases' dependencies with the real adapters (DynamoDB,
 * SES, SQS). Built on first use and kept for the life of the Lambda instance.
 */
import { sesMailerFromConfig } from '#shared/adapters/ses-mailer';
import { SqsConnectionRequestPublisher } from '#shared/adapters/sqs-publisher';
import { sesClient, sqsClient } from '#shared/aws/clients';
import { config, required } from '#shared/config';
import { makeUseCaseDependencies, type UseCaseDependencies } from '#shared/use-cases/dependencies';

let dependencies: UseCaseDependencies | undefined;

export function productionDependencies(): UseCaseDependencies {
  dependencies ??= makeUseCaseDependencies({
    mailer: sesMailerFromConfig(sesClient(), config()),
    // Built on first publish: only the Studio's connect action publishes, so only it needs the queue.
    connectionRequests: { publish: (request) => new SqsConnectionRequestPublisher(sqsClient(), required('FIC_OUTBOUND_QUEUE_URL')).publish(request) },
  });
  return dependencies;
}
