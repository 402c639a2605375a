import { Transform } from 'class-transformer';
import { buildMessage, Matches, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { isValidTimeZone } from '@cowork/workspace-rules';

/** Bounds of a workspace, shared by the DTOs, their OpenAPI schema and the service's checks. */
export const LIMITS = {
  nameLength: 120,
  descriptionLength: 2000,
  capacity: { min: 1, max: 1000 },
  hourlyRateCents: { min: 0, max: 10_000_000 },
  bookingMinutes: { min: 1, max: 10_080 },
  openingRanges: 100,
} as const;

export const DEFAULT_MIN_BOOKING_MINUTES = 30;
export const DEFAULT_MAX_BOOKING_MINUTES = 1440;

/** ISO 4217 codes the runtime knows (Intl, ICU data): current currencies only, no "XXX"/"XTS". */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export function isIsoCurrency(code: unknown): boolean {
  return typeof code === 'string' && CURRENCIES.has(code);
}

export const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export const upperCase = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value));

/**
 * A field that may be left out but, when present, must not be null (PATCH leaves it unchanged
 * when absent; `null` would mean "erase", which only nullable fields allow).
 */
export const OptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** Free text may keep tabs and line breaks, but no other control characters (NUL cannot be stored). */
export const NoControlCharactersButWhitespace = () =>
  Matches(/^(?:[\t\n\r]|\P{Cc})*$/u, {
    message: '$property must not contain control characters other than tabs and line breaks',
  });

export const IsIsoCurrency = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isIsoCurrency',
      validator: {
        validate: (value) => isIsoCurrency(value),
        defaultMessage: buildMessage((each) => `${each}$property must be an ISO 4217 currency code such as EUR or USD`),
      },
    },
    options,
  );

export const IsIanaTimeZone = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isIanaTimeZone',
      validator: {
        validate: (value) => typeof value === 'string' && isValidTimeZone(value),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be an IANA time zone such as Europe/Berlin (offsets like +02:00 are not zones)`,
        ),
      },
    },
    options,
  );

/**
 * The zone's canonical spelling when it differs only in case ("europe/berlin" -> "Europe/Berlin").
 * Aliases are kept as given: "US/Pacific" stays "US/Pacific", it names the same rules.
 */
export function canonicalTimeZone(zone: string): string {
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  } catch {
    return zone;
  }
}

/** Query-string booleans: "true" and "false" only; anything else fails IsBoolean. */
export const QueryBoolean = () =>
  Transform(({ value }) => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    return value;
  });
