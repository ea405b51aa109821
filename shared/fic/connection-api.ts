/**
 * Fatture in Cloud's API for case 3: ask FIC to show the company an in-app request to confirm a
 * Studio's connection. Idempotent by `requestId` (sent as the Idempotency-Key too), so a
 * redelivered queue message never makes FIC ask the company twice.
 */
import type { ConnectionRequest, FicConnectionApi } from '#shared/use-cases/ports';

/** The endpoint, relative to FIC_API_BASE_URL (the FIC simulator serves the same). */
export const connectionRequestsPath = '/agyo/connection-requests';

/** FIC will never accept this request as it is (4xx other than 408/429): do not retry. */
export class FicRequestRejectedError extends Error {
  override name = 'FicRequestRejectedError';
  constructor(readonly status: number, detail: string) {
    super(`FIC refused the connection request (HTTP ${status}): ${detail}`);
  }
}

/** FIC did not answer, or answered 5xx/408/429: retry later. */
export class FicUnavailableError extends Error {
  override name = 'FicUnavailableError';
  constructor(message: string, readonly status?: number, options?: ErrorOptions) {
    super(message, options);
  }
}

export interface HttpFicConnectionApiOptions {
  baseUrl: string;
  /** Bearer credential; a function so that a secret can be fetched lazily. */
  token: () => Promise<string> | string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export class HttpFicConnectionApi implements FicConnectionApi {
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: HttpFicConnectionApiOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async requestConnection(request: ConnectionRequest): Promise<void> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${connectionRequestsPath}`;
    const body = {
      data: {
        requestId: request.requestId,
        vatNumber: request.vatNumber,
        ...(request.ficCompanyId ? { ficCompanyId: Number(request.ficCompanyId) } : {}),
        studio: { id: request.studioId, name: request.studioName },
      },
    };
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await this.options.token()}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': request.requestId,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new FicUnavailableError(`FIC did not answer: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
    }
    const detail = (await response.text().catch(() => '')).slice(0, 500);
    // 409: FIC already holds a request with this id, which is what we want.
    if (response.ok || response.status === 409) return;
    // 401/403 mean our credential was refused (expired, or rotated since we cached it): ours to fix, and
    // the secret is re-read within minutes, so retry rather than drop the company's request.
    if (response.status >= 500 || [401, 403, 408, 429].includes(response.status)) {
      throw new FicUnavailableError(`FIC answered HTTP ${response.status}`, response.status);
    }
    throw new FicRequestRejectedError(response.status, detail);
  }
}
