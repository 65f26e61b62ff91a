/** Turning a user's image file into a 28x28 grayscale digit, with plain messages for what cannot be used. */
import { checkImageHeader } from '../../core/audit/imageHeader';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** A photo is scaled down to the digit's size, so it may be large, but not a decompression bomb (8 bytes a pixel decoded). */
export const MAX_UPLOAD_PIXELS = 50_000_000;

export interface UploadedDigit {
  pixels: Uint8Array;
  /** Whether the image was inverted to white-on-black, as MNIST digits are. */
  inverted: boolean;
  note: string;
}

export function checkImageFile(file: { name: string; type: string; size: number }): void {
  if (!file.type.startsWith('image/')) {
    throw new Error(`“${file.name}” is not an image (${file.type || 'unknown type'}). Choose a PNG, JPEG, GIF, WebP or BMP file.`);
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    throw new Error(`“${file.name}” is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Use a smaller image.`);
  }
}

/** Luminance of RGBA pixels, fitted (aspect kept, centred, black padding) into width x height. */
export async function imageFileToDigit(file: File, width = 28, height = 28): Promise<UploadedDigit> {
  checkImageFile(file);
  // The size in the header first: createImageBitmap would allocate every pixel a decompression bomb declares.
  checkImageHeader(new Uint8Array(await file.arrayBuffer()), file.name, MAX_UPLOAD_PIXELS);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`“${file.name}” could not be read as an image: the file may be damaged. Try another file.`);
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const scale = Math.min(width / bitmap.width, height / bitmap.height);
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  // Measure the background on the image itself first, so the padding can match it.
  context.drawImage(bitmap, 0, 0, width, height);
  const probe = context.getImageData(0, 0, width, height).data;
  let mean = 0;
  for (let i = 0; i < width * height; i++) mean += (0.299 * probe[4 * i] + 0.587 * probe[4 * i + 1] + 0.114 * probe[4 * i + 2]) / (width * height);
  const lightBackground = mean > 127;
  context.fillStyle = lightBackground ? '#fff' : '#000';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, Math.floor((width - w) / 2), Math.floor((height - h) / 2), w, h);
  bitmap.close();
  const data = context.getImageData(0, 0, width, height).data;
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const luminance = Math.round(0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]);
    pixels[i] = lightBackground ? 255 - luminance : luminance;
  }
  return {
    pixels,
    inverted: lightBackground,
    note: `${file.name}: resized to ${width}x${height} grayscale${lightBackground ? ', inverted to white on black like MNIST' : ''}.`,
  };
}
