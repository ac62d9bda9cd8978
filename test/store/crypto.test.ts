import { createTextCipher, EncryptionError, isEncrypted, plainTextCipher } from '../../src/store/crypto';
import { newKey } from '../helpers/app';

describe('TextCipher (AES-256-GCM)', () => {
  const cipher = createTextCipher(newKey());

  it('round-trips text and never stores it readable', () => {
    const sealed = cipher.seal('Client named Ana cried when we talked about her father.', 'self_checks.note');
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{8}:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('Ana');
    expect(cipher.open(sealed, 'self_checks.note')).toBe('Client named Ana cried when we talked about her father.');
  });

  it('uses a fresh nonce for every value', () => {
    const a = cipher.seal('same text', 'reflections.text');
    const b = cipher.seal('same text', 'reflections.text');
    expect(a).not.toBe(b);
    const nonce = (v: string) => Buffer.from(v.split(':')[3], 'base64').subarray(0, 12).toString('hex');
    expect(nonce(a)).not.toBe(nonce(b));
  });

  it('detects tampering, a value moved to another field, and another key', () => {
    const sealed = cipher.seal('private', 'self_checks.note');
    const packed = Buffer.from(sealed.split(':')[3], 'base64');
    packed[packed.length - 1] ^= 1;
    const tampered = `${sealed.split(':').slice(0, 3).join(':')}:${packed.toString('base64')}`;
    expect(() => cipher.open(tampered, 'self_checks.note')).toThrow(EncryptionError);
    expect(() => cipher.open(sealed, 'reflections.text')).toThrow(/authentication/);
    expect(() => createTextCipher(newKey()).open(sealed, 'self_checks.note')).toThrow(/not with the configured key/);
  });

  it('accepts a base64 key as well as hex', () => {
    const b64 = createTextCipher(Buffer.alloc(32, 7).toString('base64'));
    const hex = createTextCipher(Buffer.alloc(32, 7).toString('hex'));
    expect(b64.keyId).toBe(hex.keyId);
    expect(hex.open(b64.seal('x', 'f'), 'f')).toBe('x');
  });

  it('without a key, text passes through, and an encrypted value is refused rather than shown', () => {
    expect(plainTextCipher.seal('hello', 'f')).toBe('hello');
    expect(isEncrypted(plainTextCipher.seal('hello', 'f'))).toBe(false);
    expect(() => plainTextCipher.open(cipher.seal('x', 'f'), 'f')).toThrow(/without TRELLIS_ENCRYPTION_KEY/);
  });
});
