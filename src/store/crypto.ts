import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encryption at rest for free text (notes, reflections, shared text): AES-256-GCM from node:crypto.
 * A stored value looks like "enc:v1:<keyId>:<base64(nonce | tag | ciphertext)>". The nonce is 12 random bytes per
 * value; the tag authenticates the ciphertext and the field it belongs to (additional data), so a value copied into
 * another column does not decrypt.
 */
export const ENCRYPTED_PREFIX = 'enc:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** What the repositories use to store free text: seal before writing, open after reading. */
export interface TextCipher {
  /** The key's public fingerprint, or null when text is stored as it is. */
  readonly keyId: string | null;
  seal(plain: string, field: string): string;
  open(stored: string, field: string): string;
}

export class EncryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionError';
  }
}

/** Reads a key given as 64 hex characters or base64 of 32 bytes (src/config.ts has already checked the shape). */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32)
    throw new EncryptionError('An encryption key must be 32 bytes (64 hex or 44 base64 characters).');
  return key;
}

/** A short, public fingerprint of a key: names the key in each value without revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key).update('trellis key id v1').digest('hex').slice(0, 8);
}

/** The value kept in the meta table to recognise the key at start-up (an HMAC of a constant: reveals nothing). */
export function keyCheckOf(key: Buffer): string {
  return createHmac('sha256', key).update('trellis key check v1').digest('base64');
}

export function keyCheckMatches(key: Buffer, stored: string): boolean {
  const expected = Buffer.from(keyCheckOf(key));
  const actual = Buffer.from(stored);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function isEncrypted(value: string): boolean {
  return value.startsWith(ENCRYPTED_PREFIX);
}

/** Stores text as it is; refuses to hand out encrypted values as if they were text. */
export const plainTextCipher: TextCipher = {
  keyId: null,
  seal: (plain) => plain,
  open(stored) {
    if (isEncrypted(stored)) {
      throw new EncryptionError('This value is encrypted and Trellis was started without TRELLIS_ENCRYPTION_KEY.');
    }
    return stored;
  },
};

export function createTextCipher(keyText: string): TextCipher {
  const key = parseKey(keyText);
  const keyId = keyIdOf(key);
  const prefix = `${ENCRYPTED_PREFIX}${keyId}:`;
  return {
    keyId,
    seal(plain, field) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(field, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${prefix}${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(stored, field) {
      if (!isEncrypted(stored)) return stored; // written before encryption was turned on; start-up encrypts these
      if (!stored.startsWith(prefix)) {
        throw new EncryptionError(
          `A value was encrypted with key ${stored.slice(ENCRYPTED_PREFIX.length).split(':')[0]}, not with the configured key ${keyId}.`,
        );
      }
      const packed = Buffer.from(stored.slice(prefix.length), 'base64');
      if (packed.length < NONCE_BYTES + TAG_BYTES) throw new EncryptionError('An encrypted value is truncated.');
      const decipher = createDecipheriv('aes-256-gcm', key, packed.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(field, 'utf8'));
      decipher.setAuthTag(packed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(packed.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new EncryptionError('An encrypted value failed its authentication check: it was altered or damaged.');
      }
    },
  };
}

export function cipherFor(keyText: string | undefined): TextCipher {
  return keyText ? createTextCipher(keyText) : plainTextCipher;
}
