import { z } from 'zod';

// Env values arrive as strings; they are coerced only when they look like the type, so anything else reaches the
// inner schema unchanged and fails there with the field's own message.

function toNumber(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
    ? Number(value)
    : value;
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off', ''];

function toBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  return value;
}

/** `schema`, also accepting a numeric string ("8080", "0.5"). */
export function numeric<T extends z.ZodType>(schema: T) {
  return z.preprocess(toNumber, schema);
}

/** `schema`, also accepting true/1/yes/on and false/0/no/off/"" (any case). */
export function booleanish<T extends z.ZodType>(schema: T) {
  return z.preprocess(toBoolean, schema);
}
