/**
 * The one logger: Powertools' structured JSON logger. Personal data (emails, VAT numbers) and
 * secrets (tokens, JWTs, links holding tokens) are masked before anything is written, whatever
 * the call site passes.
 */
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { config } from '#shared/config';

const secretKeys = /^(token|rawToken|authorization|jwt|confirmUrl|link|cookie|csrf.*|password|secret)$/i;
const personalKeys = /^(email|to|vatNumber|taxCode)$/i;

/** Keeps enough to correlate (last characters) without exposing the value. */
export function maskValue(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (secretKeys.test(key)) return '[redacted]';
  if (personalKeys.test(key)) {
    if (key.toLowerCase() === 'email' || key.toLowerCase() === 'to') {
      const at = value.indexOf('@');
      return at > 0 ? `${value[0]}***${value.slice(at)}` : '***';
    }
    return value.length > 3 ? `${'*'.repeat(value.length - 3)}${value.slice(-3)}` : '***';
  }
  // Inside free text (error messages from SES, FIC or the domain), a JWT, an activation link, an email
  // address or an 11-digit number (a Partita IVA) is masked too.
  return value
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[jwt]')
    .replace(/(\/v1\/activations\/)[\w-]+/g, '$1[token]')
    .replace(/([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)/g, '$1***@$2')
    .replace(/(?<!\d)\d{8}(\d{3})(?!\d)/g, '********$1');
}

export function maskAttributes(value: unknown, key = '', depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (Array.isArray(value)) return value.map((item) => maskAttributes(item, key, depth + 1));
  if (value instanceof Error) return { name: value.name, message: maskValue('message', value.message), stack: maskValue('stack', value.stack) };
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAttributes(v, k, depth + 1)]));
  }
  return maskValue(key, value);
}

/** Powertools' standard keys, with every attribute (call-site, appended, persistent) masked. */
class MaskingLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: maskValue('message', attributes.message),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: base }).addAttributes(maskAttributes(additionalLogAttributes) as LogAttributes);
  }
}

export const logger = new Logger({
  serviceName: 'agyo-fic-onboarding',
  logLevel: config().LOG_LEVEL,
  persistentKeys: { stage: config().STAGE },
  logFormatter: new MaskingLogFormatter(),
});
