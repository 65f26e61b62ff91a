/**
 * A minimal POSIX ustar archive writer (IEEE Std 1003.1, "pax" format's ustar header), enough to bundle a few
 * binary files into one download that every system's `tar` reads. Names must be ASCII and at most 100 bytes.
 */
const BLOCK = 512;

function writeString(header: Uint8Array, offset: number, length: number, text: string): void {
  for (let i = 0; i < Math.min(length, text.length); i++) header[offset + i] = text.charCodeAt(i);
}

/** An octal number in a field of `length` bytes: zero-padded digits and a NUL. */
function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  writeString(header, offset, length - 1, value.toString(8).padStart(length - 1, '0'));
}

export interface TarEntry {
  name: string;
  bytes: Uint8Array;
}

export function writeTar(entries: TarEntry[], modified = new Date(0)): Uint8Array {
  for (const { name } of entries) {
    if (!/^[\x20-\x7e]{1,100}$/.test(name) || name.includes('..') || name.startsWith('/'))
      throw new Error(`Cannot put "${name}" in a tar archive: use a short relative ASCII name.`);
  }
  const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;
  const total = entries.reduce((sum, e) => sum + BLOCK + padded(e.bytes.length), 0) + 2 * BLOCK;
  const out = new Uint8Array(total);
  let at = 0;
  for (const { name, bytes } of entries) {
    const header = out.subarray(at, at + BLOCK);
    writeString(header, 0, 100, name);
    writeOctal(header, 100, 8, 0o644);
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, bytes.length);
    writeOctal(header, 136, 12, Math.floor(modified.getTime() / 1000));
    header.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
    header[156] = 0x30; // '0': a regular file
    writeString(header, 257, 6, 'ustar');
    writeString(header, 263, 2, '00');
    let checksum = 0;
    for (const b of header) checksum += b;
    writeString(header, 148, 8, checksum.toString(8).padStart(6, '0') + '\0 ');
    out.set(bytes, at + BLOCK);
    at += BLOCK + padded(bytes.length);
  }
  return out; // ends with two zero blocks
}
