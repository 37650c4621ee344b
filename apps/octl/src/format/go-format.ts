// Octopoda's text forms come from Go's fmt and time packages; these reproduce them exactly, so octl's JSON
// matches what Octopoda's octl prints for the same state.

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** Decimal digits of `u mod 10^prec`, trailing zeros dropped, with a leading point (Go's fmtFrac). */
function fraction(u: bigint, prec: number): string {
  if (prec === 0) return '';
  const digits = (u % 10n ** BigInt(prec)).toString().padStart(prec, '0').replace(/0+$/, '');
  return digits ? `.${digits}` : '';
}

/** Go's `time.Duration.String()` for a duration in nanoseconds: `2m42.48s`, `1h0m0s`, `1.5ms`, `0s`. */
export function goDurationNs(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < NS_PER_S) {
    const [prec, unit] = u < 1_000n ? [0, 'ns'] : u < NS_PER_MS ? [3, 'µs'] : [6, 'ms'];
    return `${sign}${u / 10n ** BigInt(prec)}${fraction(u, prec)}${unit}`;
  }
  const seconds = u / NS_PER_S;
  let text = `${seconds % 60n}${fraction(u, 9)}s`;
  const minutes = seconds / 60n;
  if (minutes > 0n) {
    text = `${minutes % 60n}m${text}`;
    const hours = minutes / 60n;
    if (hours > 0n) text = `${hours}h${text}`;
  }
  return sign + text;
}

/** Go duration string of a span given in (possibly fractional) milliseconds. */
export function goDurationMs(ms: number): string {
  return goDurationNs(Number.isInteger(ms) ? BigInt(ms) * NS_PER_MS : BigInt(Math.round(ms * 1e6)));
}

/** The exact binary value of a finite double: `mantissa * 2^exponent`. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const bits = (high >>> 20) & 0x7ff;
  const mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  return bits === 0
    ? { mantissa, exponent: -1074 }
    : { mantissa: mantissa | (1n << 52n), exponent: bits - 1075 };
}

/**
 * Go's `%.<prec>f`: rounds the exact binary value, ties to even (JavaScript's toFixed rounds ties up:
 * 0.125.toFixed(2) is "0.13", Go prints "0.12"). Keeps the sign of negative values that round to zero.
 */
export function goFixed(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  const scaled = mantissa * 10n ** BigInt(prec);
  let units: bigint;
  if (exponent >= 0) {
    units = scaled << BigInt(exponent);
  } else {
    const divisor = 1n << BigInt(-exponent);
    units = scaled / divisor;
    const twice = (scaled % divisor) * 2n;
    if (twice > divisor || (twice === divisor && units % 2n === 1n)) units += 1n;
  }
  const digits = units.toString().padStart(prec + 1, '0');
  const text = prec === 0 ? digits : `${digits.slice(0, -prec)}.${digits.slice(-prec)}`;
  return negative ? `-${text}` : text;
}

/** `fmt.Sprintf("%5.1f%%", x)`. */
export function goPercent(x: number): string {
  return `${goFixed(x, 1).padStart(5)}%`;
}

const BYTES_PER_GB = 1_073_741_824;

/** `fmt.Sprintf("%5.1f%%: (%.2fGB / %.2fGB)", used*100/total, used/2^30, total/2^30)`. */
export function goUsage(used: number, total: number): string {
  return `${goPercent((used * 100) / total)}: (${goFixed(used / BYTES_PER_GB, 2)}GB / ${goFixed(total / BYTES_PER_GB, 2)}GB)`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Go's `Format("2006-01-02 15:04:05")` of an instant, in this machine's time zone (as Octopoda's octl does). */
export function goDateTime(instant: Date): string {
  const d = instant;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/**
 * The wall-clock part of an RFC 3339 time, in the offset it was written with: a node's `localTime` shows the
 * node's clock, as Go formats a parsed time in its own zone.
 */
export function wallClockOf(rfc3339: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/.exec(rfc3339);
  if (match) return `${match[1]} ${match[2]}`;
  const parsed = new Date(rfc3339);
  return Number.isNaN(parsed.getTime()) ? rfc3339 : goDateTime(parsed);
}
