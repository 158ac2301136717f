import { Logger } from '@aws-lambda-powertools/logger';

/** Creates the structured JSON logger of one function; the log level comes from POWERTOOLS_LOG_LEVEL. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/**
 * Masks an e-mail address for logs, keeping the first character and the domain: `j***@district.org`.
 * Logs never carry full addresses, which are personal data.
 */
export function maskEmail(email: string | undefined): string | undefined {
  if (!email) return email;
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
