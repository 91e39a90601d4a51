/**
 * What must never reach a log: the values of the secrets the process holds (the gateway's token,
 * webhook secrets: registered here when they are read) and whatever looks like a secret (API
 * tokens `enk_…`, `Bearer …` credentials, `?token=` in a URL, webhook URLs whose path is the
 * secret). Every log line passes through `redactSecrets` before it is written anywhere.
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not redacted by value: a short value would mask ordinary words. */
const MIN_SECRET_LENGTH = 8;

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // The engine's API tokens.
  [/enk_[A-Za-z0-9_-]{6,}/g, `enk_${REDACTED}`],
  // HTTP credentials, wherever a header was printed ("basic" only after "Authorization": it is a word).
  [/\b(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  [/(authorization["']?\s*[:=]\s*["']?basic\s+)[A-Za-z0-9+/=]+/gi, `$1${REDACTED}`],
  // A secret in a URL's query.
  [
    /([?&](?:token|access_token|auth|key|api_key|apikey|secret|password|signature|sig)=)[^&\s"'#\\]+/gi,
    `$1${REDACTED}`,
  ],
  // Webhook URLs whose path is the credential: Telegram bots, Discord, Slack, ntfy topics.
  [/(?<![0-9])[0-9]{6,12}:[A-Za-z0-9_-]{30,}/g, REDACTED],
  [/(\/api\/webhooks\/[0-9]+\/)[A-Za-z0-9_-]+/g, `$1${REDACTED}`],
  [/(hooks\.slack\.com\/services\/)[^\s"'\\]+/g, `$1${REDACTED}`],
  [/(ntfy\.sh\/)[^\s"'\\/?#]+/g, `$1${REDACTED}`],
];

/** Object keys whose values are secrets, redacted by path before a line is serialised. */
export const SECRET_KEYS = [
  'token',
  'secret',
  'password',
  'authorization',
  'cookie',
  'apiKey',
  'webhookSecret',
] as const;

const secrets = new Set<string>();
/** The registered values and their JSON-escaped forms, longest first (a value inside another). */
let needles: string[] = [];

/**
 * Registers a secret's value: from now on it is replaced by `[redacted]` wherever it would appear
 * in a log line (this process only). Values shorter than 8 characters are ignored.
 */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  needles = [...forms].sort((a, b) => b.length - a.length);
}

/** The text with every registered secret and every secret-looking part replaced. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
