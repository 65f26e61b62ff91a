import { useEffect, useRef } from 'react';

interface PerturbationImageProps {
  /** adversarial - original, per pixel. */
  delta: Float32Array;
  width: number;
  height: number;
  size?: number;
}

/**
 * The perturbation in a signed colour map: red where a pixel got brighter, blue where it got darker, white where it
 * is unchanged, amplified so that the largest change is full colour (the factor is shown).
 */
export function PerturbationImage({ delta, width, height, size = 168 }: PerturbationImageProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  let largest = 0;
  for (const d of delta) largest = Math.max(largest, Math.abs(d));
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const t = largest > 0 ? delta[i] / largest : 0;
      const fade = Math.round(255 * (1 - Math.abs(t)));
      image.data[4 * i] = t >= 0 ? 255 : fade;
      image.data[4 * i + 1] = fade;
      image.data[4 * i + 2] = t <= 0 ? 255 : fade;
      image.data[4 * i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, [delta, width, height, largest]);
  return (
    <figure className="perturbation">
      <canvas
        ref={canvas}
        width={width}
        height={height}
        className="digit-image light"
        style={{ width: size, height: size }}
        role="img"
        aria-label="perturbation"
      />
      <figcaption>
        perturbation {largest > 0 ? `×${(1 / largest).toFixed(1)}` : '(none)'}
        <span className="legend">
          <span className="swatch plus" /> brighter <span className="swatch minus" /> darker
        </span>
      </figcaption>
    </figure>
  );
}
