// Instants are ISO-8601 UTC strings end to end (they go to DynamoDB as they are). Compare them
// through Date.parse, never as strings: "…Z" and "…+00:00" spell the same instant differently.

export type Instant = string;

export function toMillis(at: Instant): number {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO-8601 instant: "${at}"`);
  return ms;
}

export function addSeconds(at: Instant, seconds: number): Instant {
  return new Date(toMillis(at) + seconds * 1000).toISOString();
}

export function isBefore(a: Instant, b: Instant): boolean {
  return toMillis(a) < toMillis(b);
}

/** Seconds from `from` to `to` (negative when `to` is earlier). */
export function secondsBetween(from: Instant, to: Instant): number {
  return (toMillis(to) - toMillis(from)) / 1000;
}
