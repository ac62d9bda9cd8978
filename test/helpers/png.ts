import { PNG } from 'pngjs';

/** Reads a PNG with pngjs (which checks the signature, every chunk's CRC and the row filters): its size and pixels. */
export function decodePng(png: Uint8Array): {
  width: number;
  height: number;
  rgba: (x: number, y: number) => number[];
} {
  const buf = Buffer.from(png);
  const image = PNG.sync.read(buf);
  return {
    width: image.width,
    height: image.height,
    rgba: (x, y) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x + 1) * 4)],
  };
}
