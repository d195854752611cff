/**
 * ISO 8601 dates checked against the calendar (`2027-02-30` is refused rather than read as
 * 2 March) and with `T` between date and time, for class-validator's `IsDateString`.
 */
export const STRICT_DATE = { strict: true, strictSeparator: true } as const;
