/** The slice of the project's logger (shared/observability/logger.ts) that FIC code uses; fakes in tests. */
export interface FicLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}
