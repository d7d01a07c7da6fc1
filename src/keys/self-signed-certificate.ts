// A minimal X.509 v3 self-signed certificate (RFC 5280 §4.1), so that every published signing key
// carries `x5c` (JWKS-01). Deterministic: the serial comes from the key's thumbprint, the
// validity is RFC 5280 §4.1.2.5's "no well-defined expiration" (to 99991231235959Z) and
// RSASSA-PKCS1-v1_5 signatures are deterministic, so every instance publishes the same bytes.
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';

const tlv = (tag: number, content: Buffer): Buffer => {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
};
const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const oid = (dotted: string): Buffer => {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk: number[] = [];
    let n = arc;
    do {
      chunk.unshift((n & 0x7f) | (chunk.length ? 0x80 : 0));
      n = Math.floor(n / 128);
    } while (n > 0);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
};
const integer = (value: Buffer): Buffer => tlv(0x02, value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const generalizedTime = (text: string) => tlv(0x18, Buffer.from(text, 'ascii'));
const bitString = (content: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);

const sha256WithRSAEncryption = sequence(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)));

/** DER of a self-signed certificate for an RSA key pair; `commonName` names the issuer host. */
export function buildSelfSignedCertificate(privateKey: KeyObject, commonName: string): Buffer {
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const serial = createHash('sha256').update(spki).digest().subarray(0, 16);
  serial[0] = serial[0]! & 0x7f; // RFC 5280 §4.1.2.2: positive
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8(commonName.slice(0, 64)))));
  const keyUsageDigitalSignature = sequence(oid('2.5.29.15'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, tlv(0x03, Buffer.from([0x07, 0x80]))));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    sha256WithRSAEncryption,
    name,
    sequence(generalizedTime('20000101000000Z'), generalizedTime('99991231235959Z')),
    name,
    spki,
    explicit(3, sequence(keyUsageDigitalSignature)),
  );
  const signature = sign('sha256', tbs, privateKey);
  return sequence(tbs, sha256WithRSAEncryption, bitString(signature));
}
