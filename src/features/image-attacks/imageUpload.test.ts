import { describe, expect, it } from 'vitest';
import { checkImageFile, MAX_UPLOAD_BYTES } from './imageUpload';

describe('checkImageFile', () => {
  it('accepts images within the size limit', () => {
    expect(() => checkImageFile({ name: 'seven.png', type: 'image/png', size: 2048 })).not.toThrow();
  });

  it('says what is wrong with a file that is not an image, and what to use instead', () => {
    expect(() => checkImageFile({ name: 'notes.pdf', type: 'application/pdf', size: 2048 })).toThrow(
      '“notes.pdf” is not an image (application/pdf). Choose a PNG, JPEG, GIF, WebP or BMP file.',
    );
    expect(() => checkImageFile({ name: 'blob', type: '', size: 10 })).toThrow(/unknown type/);
  });

  it('gives the size and the limit for a file that is too large', () => {
    expect(() => checkImageFile({ name: 'huge.jpg', type: 'image/jpeg', size: MAX_UPLOAD_BYTES + 1 })).toThrow(/is 10\.0 MB; the limit is 10 MB/);
  });
});
