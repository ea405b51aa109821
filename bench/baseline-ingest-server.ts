/**
 * The webhook's baseline: a bare `node:http` server that reads the body and sends it, as is, to the
 * same SQS emulator and queue, then answers 202. No auth, no parsing, no framework: the floor under
 * the real webhook on this machine. Run as its own process (like the function host); prints one JSON
 * line `{"listening": url}`. Env: BASELINE_QUEUE_URL, AWS_ENDPOINT_URL_SQS, AWS_REGION.
 */
import http from 'node:http';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const queueUrl = process.env.BASELINE_QUEUE_URL!;
const sqs = new SQSClient({
  region: process.env.AWS_REGION ?? 'eu-south-1',
  endpoint: process.env.AWS_ENDPOINT_URL_SQS!,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

const server = http.createServer(async (request, response) => {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: Buffer.concat(chunks).toString('utf8') }));
    response.writeHead(202, { 'content-type': 'application/json' });
    response.end('{"status":"accepted"}');
  } catch {
    response.writeHead(503);
    response.end();
  }
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${address.port}` })}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
