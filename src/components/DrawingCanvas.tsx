import { useEffect, useId, useRef } from 'react';

interface DrawingCanvasProps {
  width: number;
  height: number;
  /** Called with grayscale bytes (white strokes on black) after each stroke. */
  onChange(pixels: Uint8Array): void;
  size?: number;
}

/**
 * Draw a digit with mouse, pen or touch. The strokes are painted on a 10x larger canvas with a round brush and
 * averaged down to width x height, much as MNIST digits were anti-aliased.
 */
export function DrawingCanvas({ width, height, onChange, size = 280 }: DrawingCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const last = useRef<{ x: number; y: number } | null>(null);
  const scale = 10;
  const helpId = useId();

  const clear = () => {
    const context = canvas.current!.getContext('2d')!;
    context.fillStyle = '#000';
    context.fillRect(0, 0, width * scale, height * scale);
    onChange(new Uint8Array(width * height));
  };

  useEffect(clear, []); // eslint-disable-line react-hooks/exhaustive-deps

  const emit = () => {
    const context = canvas.current!.getContext('2d')!;
    const big = context.getImageData(0, 0, width * scale, height * scale).data;
    const out = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) sum += big[4 * ((y * scale + dy) * width * scale + x * scale + dx)];
        out[y * width + x] = Math.round(sum / (scale * scale));
      }
    }
    onChange(out);
  };

  const point = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) / rect.width) * width * scale, y: ((event.clientY - rect.top) / rect.height) * height * scale };
  };

  const stroke = (to: { x: number; y: number }) => {
    const context = canvas.current!.getContext('2d')!;
    context.strokeStyle = '#fff';
    context.lineWidth = 2.2 * scale;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    const from = last.current ?? to;
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    last.current = to;
  };

  return (
    <div className="drawing">
      <canvas
        ref={canvas}
        width={width * scale}
        height={height * scale}
        style={{ width: size, height: size, touchAction: 'none' }}
        className="digit-image draw"
        aria-label="drawing canvas: draw a digit"
        aria-describedby={helpId}
        onPointerDown={(e) => {
          drawing.current = true;
          last.current = null;
          e.currentTarget.setPointerCapture(e.pointerId);
          stroke(point(e));
        }}
        onPointerMove={(e) => drawing.current && stroke(point(e))}
        onPointerUp={() => {
          drawing.current = false;
          emit();
        }}
      />
      <p className="note" id={helpId}>
        Drawing needs a mouse, pen or touch. With the keyboard, choose &quot;Test digit&quot; or &quot;Upload&quot; above instead.
      </p>
      <button type="button" onClick={clear}>
        Clear
      </button>
    </div>
  );
}
