import { describe, expect, it } from 'vitest';
import { stack } from '../../support/stack.ts';

describe('GET /v1/health on the local stack', () => {
  it('answers 200 with DynamoDB, SQS and SES up', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/health`);

    expect(response.status).toBe(200);
    const report = (await response.json()) as { status: string; dependencies: Record<string, { status: string }> };
    expect(report.status).toBe('ok');
    expect(Object.fromEntries(Object.entries(report.dependencies).map(([name, d]) => [name, d.status]))).toEqual({
      dynamoDb: 'up',
      sqs: 'up',
      ses: 'up',
    });
  });

  it('answers 404 as API Gateway does for a path with no route', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/no-such-route`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });
});
