import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Staff passwords, hashed with scrypt (node:crypto: memory-hard, no native dependency to build).
 *
 * Parameters: OWASP's Password Storage Cheat Sheet lists N=2^15, r=8, p=3 as equivalent to its
 * minimum N=2^17, r=8, p=1. The same work at a quarter of the memory per hash (128·N·r = 32 MiB):
 * hashes run on libuv's thread pool, four at a time by default, so a burst of sign-ins costs at
 * most ~128 MiB instead of ~512 MiB, while each guess still needs 32 MiB, which is what makes
 * GPU and ASIC guessing expensive. About 0.15–0.4 s per hash on this project's machines.
 * The parameters are stored with each hash, so raising them later keeps old hashes verifiable.
 */
const COST = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Node refuses scrypt above maxmem (32 MiB by default, exactly our need): leave headroom for stored hashes with larger N. */
const MAX_MEMORY = 256 * 1024 * 1024;
/** Stored hashes with parameters beyond these are refused rather than computed (a tampered row must not exhaust memory). */
const MAX_N = 2 ** 20;
const MAX_P = 16;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }, bytes: number): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: MAX_MEMORY };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, bytes, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST, KEY_BYTES);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !key) return undefined;
  if (![cost.N, cost.r, cost.p].every(Number.isInteger) || cost.N > MAX_N || cost.p > MAX_P || cost.r > 32) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** True when `password` hashes to `stored`; the comparison takes the same time wherever they differ. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.key.length === 0) return false;
  const key = await derive(password, parsed.salt, parsed.cost, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** A hash of nothing anyone knows: checked when no account matched, so "no such account" takes as long as "wrong password". */
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(32).toString('base64url'));
  await verifyPassword(password, await decoy);
  return false;
}

/** A password for an account created from the command line: 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
