/**
 * RFC 9457 problem details: every error the API returns is `application/problem+json` with a
 * stable `type` per kind of error, a human `title`, a `detail` for this occurrence, and, for
 * invalid input, `errors` pointing at the field (JSON Pointer) or the header/query parameter.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const problemTypeBase = 'https://agyo-fic-onboarding.dev/problems/';

export interface FieldError {
  /** JSON Pointer into the body (`/vatNumber`), or `header:x-agyo-channel`, `query:limit`, `path:companyId`. */
  pointer: string;
  detail: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** An error the HTTP layer turns into a problem response as is. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export function invalidInput(status: 400 | 422, detail: string, errors: FieldError[]): HttpProblem {
  return new HttpProblem(status, status === 400 ? 'malformed-request' : 'validation-failed', status === 400 ? 'Malformed request' : 'Invalid input', detail, { errors });
}

export function problemResponse(problem: HttpProblem, instance?: string): APIGatewayProxyStructuredResultV2 {
  const body: ProblemBody = {
    type: `${problemTypeBase}${problem.kind}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(instance ? { instance } : {}),
    ...problem.extensions,
  };
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...problem.headers },
    body: JSON.stringify(body),
  };
}

export const internalError = () =>
  new HttpProblem(500, 'internal-error', 'Internal error', 'Something went wrong on our side. Try again; if it persists, contact support with the request id.');
