// The system clock behind the Clock port: ISO-8601 UTC with milliseconds, so instants sort as strings.
import type { Clock } from '#shared/use-cases/ports';

export const systemClock: Clock = {
  now: () => new Date().toISOString(),
};
