/** Width and height from a PNG's IHDR chunk (bytes 16–23), or undefined when it is not a PNG. */
export function pngDimensions(png: Uint8Array): { width: number; height: number } | undefined {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 24 || buf.readUInt32BE(0) !== 0x89504e47 || buf.toString('latin1', 12, 16) !== 'IHDR') {
    return undefined;
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/**
 * The PNG scaled down (never up) to fit `max`×`max` pixels, keeping its proportions: Teams shows no card image
 * larger than 1024×1024, while Slack takes the chart at full size. resvg resamples it as an SVG <image>.
 */
export function fitPng(png: Uint8Array, max: number): Uint8Array {
  const size = pngDimensions(png);
  if (!size || (size.width <= max && size.height <= max)) return png;
  const fitTo =
    size.width >= size.height ? { mode: 'width' as const, value: max } : { mode: 'height' as const, value: max };
  const href = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}"><image width="${size.width}" height="${size.height}" href="${href}"/></svg>`;
  // Loaded here, on the first chart, so a server that never sends one never loads the native renderer.
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  return new Uint8Array(new Resvg(svg, { fitTo, background: '#ffffff' }).render().asPng());
}
