// CLIENT-01, AUTHZ-28: a client's logo, shown on the login page. It is registered as a data: URL
// (RFC 2397) of a PNG, JPEG or GIF image at most 135 px wide and 90 px high, so that it can be
// checked when the registry is loaded and shown without the page fetching anything from elsewhere
// (the pages' CSP allows images from 'self' and data: only).

export const maxLogoWidth = 135;
export const maxLogoHeight = 90;
/** Decoded bytes; a logo of 135×90 px needs far less. */
export const maxLogoBytes = 64 * 1024;

const dataUrl = /^data:image\/(png|jpeg|gif);base64,([A-Za-z0-9+/]+={0,2})$/;

type ImageType = 'png' | 'jpeg' | 'gif';

/** Width and height from the image's own header, or undefined when the bytes are not that type. */
export function imageSize(bytes: Buffer, type: ImageType): { width: number; height: number } | undefined {
  if (type === 'png') {
    // PNG: 8-byte signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR') return undefined;
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (type === 'gif') {
    // GIF87a/GIF89a, then the logical screen width and height (little-endian).
    const magic = bytes.toString('ascii', 0, 6);
    if (bytes.length < 10 || (magic !== 'GIF87a' && magic !== 'GIF89a')) return undefined;
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  // JPEG: SOI, then segments until a start-of-frame marker (SOF0…SOF15 but DHT, JPG, DAC)
  // carrying the height and width (big-endian).
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: bytes.readUInt16BE(i + 7), height: bytes.readUInt16BE(i + 5) };
    }
    i += 2 + length;
  }
  return undefined;
}

/** CLIENT-01: what is wrong with a logo, or nothing. */
export function logoProblems(logo: string): string[] {
  const match = dataUrl.exec(logo);
  if (!match) return ['must be a data:image/png, data:image/jpeg or data:image/gif URL in base64 (CLIENT-01)'];
  const bytes = Buffer.from(match[2]!, 'base64');
  if (bytes.length > maxLogoBytes) return [`must be at most ${maxLogoBytes / 1024} KiB (CLIENT-01)`];
  const size = imageSize(bytes, match[1] as ImageType);
  if (!size) return [`is not a ${match[1]!.toUpperCase()} image (CLIENT-01)`];
  const problems: string[] = [];
  // CLIENT-01: at most 135 px wide and 90 px high.
  if (size.width > maxLogoWidth) problems.push(`must be at most ${maxLogoWidth} px wide; it is ${size.width} px (CLIENT-01)`);
  if (size.height > maxLogoHeight) problems.push(`must be at most ${maxLogoHeight} px high; it is ${size.height} px (CLIENT-01)`);
  return problems;
}
