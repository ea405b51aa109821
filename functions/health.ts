/** GET /v1/health: 200 when DynamoDB, SQS and SES answer, 503 otherwise (for load balancers and on-call). */
import { checkDependencies } from '#shared/health/dependency-check';
import { json } from '#shared/http/responses';

export const handler = async () => {
  const report = await checkDependencies();
  return json(report.status === 'ok' ? 200 : 503, report);
};
