// A company's timeline (oldest first) as the Studio may read it: other Studios anonymous, nothing while pending.
import { CompanyNotFoundError } from '#shared/domain/errors';
import type { TimelineEntry } from '#shared/domain/timeline';
import { timelineVisibleTo, visibleTo } from '#shared/domain/visibility';
import type { CoreDependencies } from './common.ts';
import { MAX_PAGE_SIZE } from './list-connections.ts';

export interface GetTimelineInput {
  studioId: string;
  companyId: string;
  /** Clamped to 1..100. */
  limit: number;
  cursor?: string;
}

export async function getTimelineForStudio(
  deps: CoreDependencies,
  input: GetTimelineInput,
): Promise<{ items: TimelineEntry[]; nextCursor?: string }> {
  const found = await deps.repository.companyWithConnections(input.companyId);
  const connections = found?.connections.map((record) => record.connection) ?? [];
  if (found === undefined || !visibleTo(input.studioId, found.company, connections)) {
    throw new CompanyNotFoundError(input.companyId);
  }
  const mine = connections.find((connection) => connection.studioId === input.studioId);
  // A pending Studio may know the company exists, not its history: no query at all.
  if (mine?.status !== 'active') return { items: [] };
  const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(input.limit) || 1));
  const page = await deps.repository.timeline(input.companyId, limit, input.cursor);
  const items = timelineVisibleTo(input.studioId, found.company, connections, page.items);
  return { items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
}
