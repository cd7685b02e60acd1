import { ProviderError } from '../errors.js';

const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;

/**
 * parseDecimal turns the decimal string cty sends for numbers that are
 * neither int64 nor an exact float64 (e.g. "0.1") into a number, or into a
 * bigint for integers a double cannot hold exactly.
 */
export function parseDecimal(text: string, where: string): number | bigint {
  if (!DECIMAL.test(text)) {
    throw new ProviderError('ERR_VALUE_DECODE', `${where}: number string is not a decimal`);
  }
  if (INTEGER.test(text)) {
    const big = BigInt(text);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  return Number(text);
}

/** narrowBigInt returns a number when the bigint is a safe integer, so callers mostly see numbers. */
export function narrowBigInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
