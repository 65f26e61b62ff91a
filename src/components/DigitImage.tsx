import { useEffect, useRef } from 'react';

interface DigitImageProps {
  /** Grayscale bytes 0..255, row-major, width * height long. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** On-screen size in CSS pixels (the image is upscaled without smoothing). */
  size?: number;
  label?: string;
}

/** Draws a small grayscale image crisply at a larger size. */
export function DigitImage({ pixels, width, height, size = 168, label }: DigitImageProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = pixels[i];
      image.data[4 * i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, [pixels, width, height]);
  return (
    <canvas
      ref={canvas}
      width={width}
      height={height}
      className="digit-image"
      style={{ width: size, height: size }}
      role="img"
      aria-label={label ?? 'digit image'}
    />
  );
}
